/* runlimit: run one command under a wall-clock limit and report how it ended,
 * for tests/hostile_check.sh (issue 10: every hostile input gives exit 1 or 2
 * with a message, within 30 s and 1 GB, never a signal).
 *
 *   runlimit SECONDS MEGABYTES CMD [ARG...]
 *
 * The command runs in its own process group (stdin /dev/null, stdout and
 * stderr inherited); at the limit the group is killed. One line on stdout:
 *   exit=N rss_mb=R wall_s=W     or     signal=S rss_mb=R wall_s=W
 *   or  timeout wall_s=W
 * (R: the child's peak resident set, getrusage ru_maxrss). Exit status: 0 when
 * the command exited with 1 or 2 within both limits, 3 when it exited 0, 4 on a
 * signal, 5 on the time limit, 6 over the memory limit, 7 any other status,
 * 64 on bad usage or when the command cannot be started. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: runlimit SECONDS MEGABYTES CMD [ARG...]\n");
        return 64;
    }
    double limit = atof(argv[1]), mb = atof(argv[2]), t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return 64;
    if (pid == 0) {
        setpgid(0, 0);
        int fd = open("/dev/null", O_RDONLY);
        if (fd >= 0)
            dup2(fd, 0), close(fd);
        execvp(argv[3], argv + 3);
        fprintf(stderr, "runlimit: cannot run %s\n", argv[3]);
        _exit(127);
    }
    int st = 0;
    struct rusage ru = {0};
    for (;;) {
        pid_t w = wait4(pid, &st, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return 64;
        if (now_s() - t0 > limit) {
            kill(-pid, SIGKILL), kill(pid, SIGKILL);
            wait4(pid, &st, 0, &ru);
            printf("timeout wall_s=%.2f\n", now_s() - t0);
            return 5;
        }
        usleep(5000);
    }
    double wall = now_s() - t0, rss = (double)ru.ru_maxrss / 1024.0;
    if (WIFSIGNALED(st)) {
        printf("signal=%d rss_mb=%.1f wall_s=%.2f\n", WTERMSIG(st), rss, wall);
        return 4;
    }
    int code = WEXITSTATUS(st);
    printf("exit=%d rss_mb=%.1f wall_s=%.2f\n", code, rss, wall);
    if (code == 127)
        return 64;
    if (rss > mb)
        return 6;
    return code == 0 ? 3 : (code == 1 || code == 2) ? 0 : 7;
}
