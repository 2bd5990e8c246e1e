/* TAP for host test programs: include/lwk/tap.h over the C library's stdio. */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdio.h>
#include <lwk/tap.h>

#endif /* TESTS_TAP_H */
