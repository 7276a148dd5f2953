/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once
#include "c/c.h"
/* not an edge:
#include "a/a.h"
 */
