/*
 * The Linux calls about files, for a node that has none: descriptors
 * 0, 1 and 2 are the console (stdin reads as empty, stdout and stderr
 * write to COM1), and every path names nothing (ENOENT).  What static C
 * libraries ask at start-up (is stdout a terminal? what is it? where is
 * my executable?) gets the answers Linux gives for a character device
 * that is not a terminal.  Numbers and semantics from Linux x86-64.
 */
#include <lwk/syscall.h>
#include <lwk/linux.h>
#include <lwk/printk.h>
#include <lwk/string.h>
#include <lwk/task.h>
#include <lwk/aspace.h>

#define IOV_MAX 1024
#define WRITE_MAX (1u << 20)
#define AT_EMPTY_PATH 0x1000
#define S_IFCHR 0020000

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define O_RDWR 02
#define O_LARGEFILE 0100000

int linux_fd_open(long fd)
{
	struct aspace *as = task_current()->as;
	return fd >= 0 && fd <= 2 && as && !(as->fds_closed & (1u << fd));
}

static int fd_console(long fd) { return linux_fd_open(fd); }

/* A closed console descriptor stays closed (EBADF from then on): there
 * is nothing to open again. */
long sys_close(long fd)
{
	if (!fd_console(fd))
		return -LINUX_EBADF;
	__atomic_fetch_or(&task_current()->as->fds_closed, 1u << fd, __ATOMIC_RELAXED);
	return 0;
}

/* The console descriptors are read-write (O_RDWR, as a terminal's); flag
 * changes are accepted and mean nothing for the console; no descriptor
 * can be added (EMFILE). */
long sys_fcntl(long fd, long cmd, long arg)
{
	(void)arg;
	if (!fd_console(fd))
		return -LINUX_EBADF;
	switch (cmd) {
	case F_GETFD:
	case F_SETFD:
	case F_SETFL:
		return 0;
	case F_GETFL:
		return O_RDWR | O_LARGEFILE;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return -LINUX_EMFILE;
	default:
		return -LWK_EINVAL;
	}
}

/* No file system, but a working directory: "/", the root of nothing. */
long sys_getcwd(long buf, long size)
{
	if (size < 2)
		return -LINUX_ERANGE;
	return copy_to_user(buf, "/", 2) ? -LWK_EFAULT : 2;
}

/* A path argument must be readable even though it names nothing:
 * EFAULT for a bad pointer (before ENOENT, as Linux checks it). */
static long path_check(long path)
{
	char c;
	return copy_from_user(&c, path, 1) ? -LWK_EFAULT : 0;
}

/* stdin: end of file at once (a node has no input); stdout and stderr
 * are not open for reading (EBADF, as for a write-only descriptor). */
long sys_read(long fd, long buf, long len)
{
	if (fd != 0 || !fd_console(fd))
		return -LINUX_EBADF;
	if (len < 0)
		return -LWK_EINVAL;
	return user_ok(buf, len, 1) ? 0 : -LWK_EFAULT;
}

struct iovec_user { uint64_t base, len; };

/* Every vector is checked before any byte is written, so a bad one
 * writes nothing (Linux may write a prefix; nothing depends on it). */
long sys_writev(long fd, long iov, long cnt)
{
	struct iovec_user v[16];
	uint64_t total = 0;
	if ((fd != 1 && fd != 2) || !fd_console(fd))
		return -LINUX_EBADF;
	if (cnt < 0 || cnt > IOV_MAX)
		return -LWK_EINVAL;
	for (long i = 0; i < cnt; i += 16) {
		long n = cnt - i < 16 ? cnt - i : 16;
		if (copy_from_user(v, iov + i * sizeof v[0], n * sizeof v[0]))
			return -LWK_EFAULT;
		for (long j = 0; j < n; j++) {
			if (v[j].len > WRITE_MAX || (total += v[j].len) > WRITE_MAX)
				return -LWK_EINVAL;
			if (!user_ok(v[j].base, v[j].len, 0))
				return -LWK_EFAULT;
		}
	}
	for (long i = 0; i < cnt; i++) {
		struct iovec_user one;
		copy_from_user(&one, iov + i * sizeof one, sizeof one);   /* checked above */
		console_write((const char *)one.base, one.len);
	}
	return (long)total;
}

/* The console is no terminal: every ioctl on it is ENOTTY, which is how
 * isatty() and the TIOCGWINSZ probe learn it. */
long sys_ioctl(long fd, long req, long arg)
{
	(void)req, (void)arg;
	return fd_console(fd) ? -LINUX_ENOTTY : -LINUX_EBADF;
}

/* Linux x86-64's struct stat. */
struct linux_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t reserved[3];
};

/* The console as Linux describes /dev/console: a character device 5:1. */
static long stat_console(long fd, long out)
{
	struct linux_stat st;
	memset(&st, 0, sizeof st);
	st.dev = 6;                     /* a devtmpfs-like device number */
	st.ino = 3 + (uint64_t)fd;
	st.nlink = 1;
	st.mode = S_IFCHR | 0620;
	st.rdev = (5 << 8) | 1;
	st.blksize = 1024;
	return copy_to_user(out, &st, sizeof st);
}

long sys_fstat(long fd, long out)
{
	return fd_console(fd) ? stat_console(fd, out) : -LINUX_EBADF;
}

/* Only fstat's form, (fd, "", AT_EMPTY_PATH), finds something. */
long sys_newfstatat(long dirfd, long path, long out, long flags)
{
	char c;
	if (copy_from_user(&c, path, 1))
		return -LWK_EFAULT;
	if (c == 0 && (flags & AT_EMPTY_PATH))
		return fd_console(dirfd) ? stat_console(dirfd, out) : -LINUX_EBADF;
	return -LWK_ENOENT;   /* an empty path without AT_EMPTY_PATH, too */
}

long sys_stat(long path, long out)
{
	(void)out;
	long rc = path_check(path);
	return rc ? rc : -LWK_ENOENT;
}

/* No file system: opening, and reading a link (glibc asks for
 * /proc/self/exe), find nothing. */
long sys_open(long path, long flags, long mode)
{
	(void)flags, (void)mode;
	long rc = path_check(path);
	return rc ? rc : -LWK_ENOENT;
}

long sys_openat(long dirfd, long path, long flags, long mode)
{
	(void)dirfd;
	return sys_open(path, flags, mode);
}

long sys_readlink(long path, long buf, long len)
{
	(void)buf;
	long rc = path_check(path);
	if (rc)
		return rc;
	return len <= 0 ? -LWK_EINVAL : -LWK_ENOENT;
}

long sys_readlinkat(long dirfd, long path, long buf, long len)
{
	(void)dirfd;
	return sys_readlink(path, buf, len);
}

long sys_access(long path, long mode)
{
	(void)mode;
	long rc = path_check(path);
	return rc ? rc : -LWK_ENOENT;
}
