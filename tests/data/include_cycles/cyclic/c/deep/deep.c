/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "c/deep/deep.h"
#  include "b/b.h"
