# -*- coding: utf-8 -*-
from . import delivery_process
from . import delivery_process_line
from . import stock_backorder_confirmation
