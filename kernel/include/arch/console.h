/* The machine's console device (serial.c). */
#ifndef ARCH_CONSOLE_H
#define ARCH_CONSOLE_H

void serial_init(void);

#endif /* ARCH_CONSOLE_H */
