# -*- coding: utf-8 -*-
from . import delivery_carrier, res_company, res_config_settings, stock_picking, stock_quant_package
