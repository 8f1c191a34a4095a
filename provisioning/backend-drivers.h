/* The drivers this build has; only the registry (backend.c) and each
 * driver's own file see these. */
#pragma once

struct xl_backend_ops;

#ifdef XL_HAVE_LIBXL
extern const struct xl_backend_ops xl_backend_libxl_ops;
#endif
#ifdef XL_HAVE_LIBVIRT
extern const struct xl_backend_ops xl_backend_libvirt_ops;
#endif
#ifdef XL_HAVE_XAPI
extern const struct xl_backend_ops xl_backend_xapi_ops;
#endif
