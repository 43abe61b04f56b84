# isort: skip_file
# ruff: noqa: F401
# order matters: return.report's SQL view needs the return request tables
from . import res_company
from . import res_config_settings
from . import return_reason
from . import product_category
from . import product_template
from . import return_request
from . import return_request_line
from . import sale_order
from . import sale_order_line
from . import stock_move
from . import stock_picking
from . import return_report
from . import payment_transaction
