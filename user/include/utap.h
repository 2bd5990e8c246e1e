/* TAP for programs linked against user/lib (libu.a): the tests that run as
 * a node's PCT or natively on Linux, and the applications that check their
 * own results.  include/lwk/tap.h over libc-lite's printf. */
#ifndef USER_UTAP_H
#define USER_UTAP_H

#include "ulib.h"
#include <lwk/tap.h>

#endif /* USER_UTAP_H */
