/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/pxs/pxs.h - the PortingXS adapter: wire XML <-> canonical through the generated
 * gSOAP stubs (strict contract check) and xslt/pxs/; the receiver; the simulator. */
#pragma once
#include "adapters/adapter.h"

extern const npg_adapter_ops_t npg_adapter_pxs;
