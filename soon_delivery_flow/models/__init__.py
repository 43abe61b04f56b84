# -*- coding: utf-8 -*-
from . import delivery_carrier
from . import res_company
from . import res_config_settings
from . import stock_picking
from . import stock_quant_package
