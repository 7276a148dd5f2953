/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one place the generated namespace table is defined (gSOAP wants exactly one). */
#include "soapH.h"
#include "npgw.nsmap"
