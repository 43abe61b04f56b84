# -*- coding: utf-8 -*-
from . import shipping_label
