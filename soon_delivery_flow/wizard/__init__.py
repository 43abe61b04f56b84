# -*- coding: utf-8 -*-
from . import delivery_process, delivery_process_line, stock_backorder_confirmation
