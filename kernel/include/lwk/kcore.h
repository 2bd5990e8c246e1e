/* The kernel core's entry points from kmain (kernel/task/kcore.c, pct.c). */
#ifndef LWK_KCORE_H
#define LWK_KCORE_H

void kcore_init(void);
/* Start the PCT from the GRUB module named "pct" and wait for it to end;
 * returns 0 if it exited with status 0, -1 otherwise or if there is none. */
int kcore_run_pct(void);

#endif /* LWK_KCORE_H */
