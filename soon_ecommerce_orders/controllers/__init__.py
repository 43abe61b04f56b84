# -*- coding: utf-8 -*-
from . import backend, main, portal
