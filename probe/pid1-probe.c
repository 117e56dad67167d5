/*
 * pid1-probe: the generic liveness check that pid1-injector adds as an exec probe to a
 * master-worker server that has none of its own. A master keeps its port open and its process
 * running while every worker is hung or dead; this program looks past the master.
 *
 *   pid1-probe http PORT [--timeout-ms N]
 *       One "GET / HTTP/1.1" to 127.0.0.1:PORT (::1 when nothing listens on 127.0.0.1). Alive iff
 *       an HTTP status line arrives within the deadline, whatever the status: a 404 means a worker
 *       took the request. The deadline covers connect, write and read together.
 *   pid1-probe workers [--min N] [--under-init]
 *       Reads /proc of the container's PID namespace. The master is PID 1, or with --under-init
 *       the oldest child of PID 1 (tini or dumb-init in front). Alive iff the master runs and is
 *       not stopped, none of its children is stopped (state T/t) or a zombie, and at least N
 *       children are live. One reading is one probe: the kubelet's failureThreshold gives the
 *       window, so a worker being replaced between two probes does not restart the pod.
 *
 *   pid1-probe stop SIGNAL --after S
 *       A preStop hook for servers whose graceful signal is not SIGTERM (nginx: QUIT): waits S
 *       seconds of drain, sends SIGNAL to PID 1, then waits until PID 1 is gone (the kubelet's
 *       grace period bounds it). It replaces a "sleep; kill; while kill -0" shell script, so the
 *       container needs no shell.
 *
 * Exit 0 alive, 1 not alive (the reason on stdout, one line: the kubelet keeps it as the probe's
 * message), 2 bad usage. Static, no shell, no allocation beyond the stack, any UID, read-only root.
 * Written in C against musl: a Go or Rust binary would be 10-30 times larger for two syscall loops.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS 2000
#define MAX_CHILDREN 4096

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int left_ms(long deadline) {
    long left = deadline - now_ms();
    return left > 0 ? (int) left : 0;
}

/* Waits for fd to be ready for events; 1 ready, 0 deadline passed or error. */
static int wait_fd(int fd, short events, long deadline) {
    struct pollfd p = {.fd = fd, .events = events};
    for (;;) {
        int n = poll(&p, 1, left_ms(deadline));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return n > 0;
    }
}

/* A non-blocking connect to one loopback address; the socket, -1 when refused or late. */
static int connect_to(int family, int port, long deadline) {
    struct sockaddr_storage addr;
    socklen_t len;
    memset(&addr, 0, sizeof addr);
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *) &addr;
        a->sin_family = AF_INET;
        a->sin_port = htons((unsigned short) port);
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *) &addr;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((unsigned short) port);
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *) &addr, len) == 0) {
        return fd;
    }
    int err = 0;
    socklen_t errlen = sizeof err;
    if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline)
            && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) == 0 && err == 0) {
        return fd;
    }
    close(fd);
    return -1;
}

/* "HTTP/d.d ddd" or "HTTP/d ddd" at the start of the answer. */
static int is_status_line(const char *s, size_t n) {
    if (n < 12 || memcmp(s, "HTTP/", 5) != 0) {
        return 0;
    }
    size_t i = 5;
    while (i < n && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9'))) {
        i++;
    }
    if (i + 4 > n || s[i] != ' ') {
        return 0;
    }
    for (size_t k = i + 1; k < i + 4; k++) {
        if (s[k] < '0' || s[k] > '9') {
            return 0;
        }
    }
    return 1;
}

static int check_http(int port, int timeout_ms) {
    long deadline = now_ms() + timeout_ms;
    int fd = connect_to(AF_INET, port, deadline);
    const char *where = "127.0.0.1";
    if (fd < 0 && left_ms(deadline) > 0) {
        fd = connect_to(AF_INET6, port, deadline);
        where = "[::1]";
    }
    if (fd < 0) {
        printf("pid1-probe: nothing accepts on port %d (127.0.0.1, ::1)\n", port);
        return 1;
    }
    char request[160];
    int len = snprintf(request, sizeof request, "GET / HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: pid1-probe\r\n"
            "Connection: close\r\n\r\n", where, port);
    int sent = 0;
    while (sent < len) {
        ssize_t n = send(fd, request + sent, (size_t) (len - sent), MSG_NOSIGNAL);
        if (n < 0 && errno == EAGAIN && wait_fd(fd, POLLOUT, deadline)) {
            continue;
        }
        if (n <= 0) {
            printf("pid1-probe: port %d closed the connection before the request was sent\n", port);
            close(fd);
            return 1;
        }
        sent += (int) n;
    }
    char answer[16];
    size_t got = 0;
    while (got < sizeof answer - 1 && wait_fd(fd, POLLIN, deadline)) {
        ssize_t n = recv(fd, answer + got, sizeof answer - 1 - got, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t) n;
    }
    close(fd);
    if (is_status_line(answer, got)) {
        answer[12] = '\0';
        printf("pid1-probe: %s from port %d\n", answer + 9, port);
        return 0;
    }
    printf(got == 0 ? "pid1-probe: no HTTP answer on port %d within %d ms\n"
            : "pid1-probe: port %d answered, but not HTTP, within %d ms\n", port, timeout_ms);
    return 1;
}

/* One process of /proc/PID/stat: state (field 3), parent (4), start time in ticks (22). */
struct proc {
    int pid;
    int ppid;
    char state;
    unsigned long long start;
};

static int read_stat(int pid, struct proc *p) {
    char path[32];
    char buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    /* comm may hold spaces and parentheses: the fields start after the last ')' */
    char *rest = strrchr(buf, ')');
    if (rest == NULL) {
        return 0;
    }
    unsigned long long start = 0;
    int ppid = 0;
    char state = '?';
    if (sscanf(rest + 2, "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
            &state, &ppid, &start) != 3) {
        return 0;
    }
    p->pid = pid;
    p->ppid = ppid;
    p->state = state;
    p->start = start;
    return 1;
}

static int is_live(char state) {
    return state != 'Z' && state != 'X' && state != 'x' && state != 'T' && state != 't';
}

/* Fills kids with the children of parent started after it (a reused PID is not its child). */
static int children(const struct proc *parent, struct proc *kids, int max) {
    DIR *dir = opendir("/proc");
    if (dir == NULL) {
        return -1;
    }
    int count = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && count < max) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        struct proc p;
        if (*end == '\0' && pid > 0 && read_stat((int) pid, &p) && p.ppid == parent->pid
                && p.start >= parent->start) {
            kids[count++] = p;
        }
    }
    closedir(dir);
    return count;
}

static int check_workers(int min, int under_init) {
    static struct proc kids[MAX_CHILDREN];
    struct proc master;
    if (!read_stat(1, &master)) {
        printf("pid1-probe: cannot read /proc/1/stat\n");
        return 1;
    }
    if (under_init) {
        int n = children(&master, kids, MAX_CHILDREN);
        int oldest = -1;
        for (int i = 0; i < n; i++) {
            if (oldest < 0 || kids[i].start < kids[oldest].start) {
                oldest = i;
            }
        }
        if (oldest < 0) {
            printf("pid1-probe: the init (PID 1) has no child: the master is gone\n");
            return 1;
        }
        master = kids[oldest];
    }
    if (!is_live(master.state)) {
        printf("pid1-probe: master %d is %s (state %c)\n", master.pid,
                master.state == 'T' || master.state == 't' ? "stopped" : "gone", master.state);
        return 1;
    }
    int n = children(&master, kids, MAX_CHILDREN);
    if (n < 0) {
        printf("pid1-probe: cannot read /proc\n");
        return 1;
    }
    int live = 0, stopped = 0, exited = 0;
    for (int i = 0; i < n; i++) {
        if (is_live(kids[i].state)) {
            live++;
        } else if (kids[i].state == 'T' || kids[i].state == 't') {
            stopped++;
        } else {
            exited++;
        }
    }
    int ok = live >= min && stopped == 0 && exited == 0;
    printf("pid1-probe: master %d %s: %d/%d workers live, %d stopped, %d exited\n", master.pid,
            ok ? "alive" : "unhealthy", live, min, stopped, exited);
    return ok ? 0 : 1;
}

static const struct {
    const char *name;
    int number;
} SIGNALS[] = {{"TERM", SIGTERM}, {"QUIT", SIGQUIT}, {"INT", SIGINT}, {"WINCH", SIGWINCH}, {"HUP", SIGHUP},
        {"USR1", SIGUSR1}, {"USR2", SIGUSR2}};

static int signal_number(const char *name) {
    if (strncmp(name, "SIG", 3) == 0) {
        name += 3;
    }
    for (size_t i = 0; i < sizeof SIGNALS / sizeof SIGNALS[0]; i++) {
        if (strcmp(name, SIGNALS[i].name) == 0) {
            return SIGNALS[i].number;
        }
    }
    return -1;
}

static int stop(int signum, int after) {
    struct timespec drain = {.tv_sec = after};
    while (nanosleep(&drain, &drain) < 0 && errno == EINTR) {
    }
    if (kill(1, signum) < 0) {
        printf("pid1-probe: cannot signal PID 1: %s\n", strerror(errno));
        return 1;
    }
    struct timespec second = {.tv_sec = 1};
    while (kill(1, 0) == 0) {
        nanosleep(&second, NULL);
    }
    return 0;
}

static int number(const char *text, int low, int high) {
    char *end;
    long value = strtol(text, &end, 10);
    return *text != '\0' && *end == '\0' && value >= low && value <= high ? (int) value : -1;
}

static int usage(void) {
    fprintf(stderr, "usage: pid1-probe http PORT [--timeout-ms N] | workers [--min N] [--under-init]"
            " | stop SIGNAL --after S\n");
    return 2;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 3 && strcmp(argv[1], "http") == 0) {
        int port = number(argv[2], 1, 65535);
        int timeout = DEFAULT_TIMEOUT_MS;
        for (int i = 3; i < argc; i++) {
            if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc) {
                timeout = number(argv[++i], 1, 600000);
            } else {
                return usage();
            }
        }
        return port < 0 || timeout < 0 ? usage() : check_http(port, timeout);
    }
    if (argc >= 2 && strcmp(argv[1], "workers") == 0) {
        int min = 1, under_init = 0;
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--min") == 0 && i + 1 < argc) {
                min = number(argv[++i], 0, MAX_CHILDREN);
            } else if (strcmp(argv[i], "--under-init") == 0) {
                under_init = 1;
            } else {
                return usage();
            }
        }
        return min < 0 ? usage() : check_workers(min, under_init);
    }
    if (argc == 5 && strcmp(argv[1], "stop") == 0 && strcmp(argv[3], "--after") == 0) {
        int signum = signal_number(argv[2]);
        int after = number(argv[4], 0, 3600);
        return signum < 0 || after < 0 ? usage() : stop(signum, after);
    }
    return usage();
}
