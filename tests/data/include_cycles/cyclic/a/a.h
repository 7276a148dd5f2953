/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once
#include <stdio.h>
#include "soapH.h"
#include "b/b.h"
