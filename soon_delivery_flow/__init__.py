# -*- coding: utf-8 -*-
from . import models, report, wizard
