/*
 * The serial console: COM1 (16550 UART at 0x3f8), 115200 8N1, polled.
 * Polling keeps printk usable from any context, including panic with
 * interrupts off.  "\n" goes out as "\r\n" for terminals; the test
 * harness strips the "\r".
 */
#include <arch/io.h>
#include <lwk/printk.h>

#define COM1 0x3f8
#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_THRE  0x20            /* transmit holding register empty */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);  /* no interrupts            */
	outb(COM1 + UART_LCR, 0x80);  /* DLAB: set the divisor    */
	outb(COM1 + UART_DATA, 1);    /* 115200 baud               */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x03);  /* 8 bits, no parity, 1 stop */
	outb(COM1 + UART_FCR, 0xc7);  /* FIFO on, cleared          */
	outb(COM1 + UART_MCR, 0x03);  /* DTR, RTS                  */
}

static void serial_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the kernel. */
	for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
		__asm__ volatile("pause");
	outb(COM1 + UART_DATA, (unsigned char)c);
}

void console_write(const char *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
