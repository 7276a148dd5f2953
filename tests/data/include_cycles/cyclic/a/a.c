/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "a/a.h"
#include "common/util.h"
#include "stdsoap2.h"
#include "npgw.nsmap"
