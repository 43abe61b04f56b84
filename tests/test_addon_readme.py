"""Each add-on is documented the OCA way: ``readme/`` fragments and a README.rst
generated from them by ``scripts/gen_addon_readme.py`` (issue 11).

No Odoo needed: the generator and these tests use the standard library only
(docutils, when installed, also checks that the generated files are valid
reStructuredText).
"""

import importlib.util
from pathlib import Path

import pytest

from soon_testing.paths import ADDONS

ROOT = Path(__file__).resolve().parent.parent


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_addon_readme", ROOT / "scripts" / "gen_addon_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def test_every_addon_is_covered():
    assert set(ADDONS) <= set(gen.find_addons())


@pytest.mark.parametrize("addon", gen.find_addons())
def test_addon_has_every_readme_fragment(addon):
    assert gen.missing_fragments(ROOT / addon) == [], "add the missing readme/ fragments of %s" % addon


@pytest.mark.parametrize("addon", gen.find_addons())
def test_readme_rst_is_generated(addon):
    path = ROOT / addon / "README.rst"
    assert path.is_file(), "%s has no README.rst: run scripts/gen_addon_readme.py" % addon
    assert path.read_text(encoding="utf-8") == gen.render(ROOT / addon), (
        "%s/README.rst is not what scripts/gen_addon_readme.py produces: edit readme/*.rst, then run it" % addon
    )


@pytest.mark.parametrize("addon", gen.find_addons())
def test_readme_rst_layout(addon):
    text = (ROOT / addon / "README.rst").read_text(encoding="utf-8")
    manifest = gen.read_manifest(ROOT / addon)
    lines = text.splitlines()
    assert lines[1] == manifest["name"] and set(lines[0]) == {"="} and lines[0] == lines[2]
    assert " ".join(manifest["summary"].split()) in text
    titles = [
        lines[i]
        for i in range(3, len(lines) - 1)
        if lines[i] and set(lines[i + 1]) in ({"="}, {"~"}) and len(lines[i + 1]) == len(lines[i])
    ]
    expected = ["Configuration", "Usage", "Credits", "Authors", "Contributors"]
    assert [t for t in titles if t in expected] == expected
    assert ".. contents::" in text


def test_stripe_endpoints_section_kept():
    """The Stripe add-on's readme lists the Stripe endpoints it uses and where they are documented."""
    text = (ROOT / "soon_payment_refund_stripe" / "readme" / "DESCRIPTION.rst").read_text(encoding="utf-8")
    assert "Stripe endpoints used" in text
    for endpoint in ("api/refunds/create", "api/refunds/retrieve", "api/refunds/list"):
        assert "https://docs.stripe.com/" + endpoint in text
    readme = (ROOT / "soon_payment_refund_stripe" / "README.rst").read_text(encoding="utf-8")
    assert "Stripe endpoints used" in readme


def test_generator_is_idempotent_and_reports_problems(tmp_path):
    addon = tmp_path / "soon_sample"
    (addon / "readme").mkdir(parents=True)
    (addon / "__manifest__.py").write_text(
        "# comment\n{'name': 'SoOn Sample', 'summary': 'A sample', 'version': '11.0.1.0.0',"
        " 'author': 'SoOn', 'license': 'LGPL-3'}\n"
    )
    for name in ("DESCRIPTION", "CONFIGURE", "USAGE"):
        (addon / "readme" / ("%s.rst" % name)).write_text("Text of %s.\n" % name)
    assert gen.missing_fragments(addon) == ["CONTRIBUTORS"]
    with pytest.raises(ValueError, match="CONTRIBUTORS"):
        gen.render(addon)
    assert gen.main(["--check", str(addon)]) == 1

    (addon / "readme" / "CONTRIBUTORS.rst").write_text("* SoOn team\n")
    assert gen.main(["--check", str(addon)]) == 1  # no README.rst yet
    assert gen.write(addon) is True
    first = (addon / "README.rst").read_text(encoding="utf-8")
    assert gen.write(addon) is False
    assert gen.main([str(addon)]) == 0
    assert (addon / "README.rst").read_text(encoding="utf-8") == first
    assert gen.main(["--check", str(addon)]) == 0

    (addon / "README.rst").write_text(first + "hand edit\n")
    assert gen.main(["--check", str(addon)]) == 1


@pytest.mark.parametrize("addon", gen.find_addons())
def test_readme_rst_is_valid_restructuredtext(addon):
    core = pytest.importorskip("docutils.core")
    text = (ROOT / addon / "README.rst").read_text(encoding="utf-8")
    core.publish_doctree(
        text,
        source_path=str(ROOT / addon / "README.rst"),
        settings_overrides={"report_level": 2, "halt_level": 2, "warning_stream": False},
    )
