/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "b/b.h"
#include "c/deep/deep.h"
