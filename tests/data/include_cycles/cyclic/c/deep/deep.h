/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once
#include "c/c.h"
#include "a/a.h"
