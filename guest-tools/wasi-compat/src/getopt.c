/* getopt, getopt_long and getopt_long_only as glibc 2.36 behaves: arguments permuted so that
 * options come first (unless the option string starts with '+' or POSIXLY_CORRECT is set;
 * '-' returns non-options as the argument of option 1), unique abbreviations of long
 * options, and glibc's messages, which name argv[0]:
 *
 *   PROG: invalid option -- 'x'
 *   PROG: option requires an argument -- 'x'
 *   PROG: unrecognized option '--name'
 *   PROG: option '--name' doesn't allow an argument
 *   PROG: option '--name' requires an argument
 *   PROG: option '--na' is ambiguous; possibilities: '--name' '--nap'
 *
 * (musl, and so wasi-libc, says "unrecognized option: x" and does not permute for getopt.)
 * Not supported: glibc's "W;" (-W foo as --foo). Weak, so that a program's own getopt wins. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((weak)) char *optarg;
__attribute__((weak)) int optind = 1;
__attribute__((weak)) int opterr = 1;
__attribute__((weak)) int optopt = '?';

enum ordering { PERMUTE, REQUIRE_ORDER, RETURN_IN_ORDER };

/* The scan's state between calls, as glibc keeps it. */
static struct {
    int initialized;
    enum ordering ordering;
    char *next;      /* the rest of the short-option cluster being scanned, or NULL */
    int first_nonopt; /* the non-options skipped so far are argv[first_nonopt..last_nonopt) */
    int last_nonopt;
} scan;

static void reverse(char **argv, int from, int to) {
    for (to--; from < to; from++, to--) {
        char *swap = argv[from];
        argv[from] = argv[to];
        argv[to] = swap;
    }
}

/* Moves the options argv[last_nonopt..optind) before the non-options skipped before them,
 * keeping the order within each. */
static void exchange(char **argv) {
    reverse(argv, scan.first_nonopt, scan.last_nonopt);
    reverse(argv, scan.last_nonopt, optind);
    reverse(argv, scan.first_nonopt, optind);
    scan.first_nonopt += optind - scan.last_nonopt;
    scan.last_nonopt = optind;
}

static const char *initialize(const char *optstring) {
    if (optind == 0)
        optind = 1;
    scan.first_nonopt = scan.last_nonopt = optind;
    scan.next = NULL;
    if (optstring[0] == '-') {
        scan.ordering = RETURN_IN_ORDER;
        optstring++;
    } else if (optstring[0] == '+') {
        scan.ordering = REQUIRE_ORDER;
        optstring++;
    } else if (getenv("POSIXLY_CORRECT")) {
        scan.ordering = REQUIRE_ORDER;
    } else {
        scan.ordering = PERMUTE;
    }
    scan.initialized = 1;
    return optstring;
}

/* Reports the ambiguous abbreviation `name` (with `prefix`) and the options it could be. */
static void report_ambiguous(char *const argv[], const char *prefix, const char *name,
                             const struct option *longopts, const unsigned char *candidates) {
    fprintf(stderr, "%s: option '%s%s' is ambiguous; possibilities:", argv[0], prefix, name);
    for (int i = 0; longopts[i].name; i++)
        if (candidates[i])
            fprintf(stderr, " '%s%s'", prefix, longopts[i].name);
    fprintf(stderr, "\n");
}

/* Scans the long option at scan.next (argv[optind] past `prefix`). Returns -1 only for
 * getopt_long_only when no long option matches and the text can be a short option. */
static int long_option(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                       int *longind, int long_only, int print_errors, const char *prefix) {
    char *name = scan.next;
    char *end = name;
    while (*end && *end != '=')
        end++;
    size_t length = (size_t)(end - name);
    int count = 0;
    while (longopts[count].name)
        count++;

    const struct option *found = NULL;
    int index = -1;
    for (int i = 0; i < count; i++)
        if (!strncmp(longopts[i].name, name, length) && strlen(longopts[i].name) == length) {
            found = &longopts[i];
            index = i;
            break;
        }
    if (!found) {
        unsigned char *candidates = NULL;
        int ambiguous = 0;
        for (int i = 0; i < count; i++) {
            const struct option *p = &longopts[i];
            if (strncmp(p->name, name, length))
                continue;
            if (!found) {
                found = p;
                index = i;
            } else if (long_only || found->has_arg != p->has_arg || found->flag != p->flag || found->val != p->val) {
                if (!ambiguous) {
                    ambiguous = 1;
                    candidates = print_errors ? calloc((size_t)count, 1) : NULL;
                    if (candidates)
                        candidates[index] = 1;
                }
                if (candidates)
                    candidates[i] = 1;
            }
        }
        if (ambiguous) {
            if (print_errors) {
                if (candidates)
                    report_ambiguous(argv, prefix, name, longopts, candidates);
                else
                    fprintf(stderr, "%s: option '%s%s' is ambiguous\n", argv[0], prefix, name);
            }
            free(candidates);
            scan.next = NULL;
            optind++;
            optopt = 0;
            return '?';
        }
    }
    if (!found) {
        if (!long_only || argv[optind][1] == '-' || !strchr(optstring, *name)) {
            if (print_errors)
                fprintf(stderr, "%s: unrecognized option '%s%s'\n", argv[0], prefix, name);
            scan.next = NULL;
            optind++;
            optopt = 0;
            return '?';
        }
        return -1;
    }

    optind++;
    scan.next = NULL;
    if (*end) {
        if (!found->has_arg) {
            if (print_errors)
                fprintf(stderr, "%s: option '%s%s' doesn't allow an argument\n", argv[0], prefix, found->name);
            optopt = found->val;
            return '?';
        }
        optarg = end + 1;
    } else if (found->has_arg == required_argument) {
        if (optind >= argc) {
            if (print_errors)
                fprintf(stderr, "%s: option '%s%s' requires an argument\n", argv[0], prefix, found->name);
            optopt = found->val;
            return optstring[0] == ':' ? ':' : '?';
        }
        optarg = argv[optind++];
    }
    if (longind)
        *longind = index;
    if (found->flag) {
        *found->flag = found->val;
        return 0;
    }
    return found->val;
}

/* Scans one short option from scan.next. */
static int short_option(int argc, char *const argv[], const char *optstring, int print_errors) {
    char c = *scan.next++;
    const char *spec = strchr(optstring, c);
    if (*scan.next == '\0')
        optind++;
    if (!spec || c == ':' || c == ';') {
        if (print_errors)
            fprintf(stderr, "%s: invalid option -- '%c'\n", argv[0], c);
        optopt = c;
        return '?';
    }
    if (spec[1] != ':')
        return c;
    if (spec[2] == ':') { /* an optional argument: only when attached */
        optarg = *scan.next ? scan.next : NULL;
        if (*scan.next)
            optind++;
    } else if (*scan.next) {
        optarg = scan.next;
        optind++;
    } else if (optind == argc) {
        if (print_errors)
            fprintf(stderr, "%s: option requires an argument -- '%c'\n", argv[0], c);
        optopt = c;
        c = optstring[0] == ':' ? ':' : '?';
    } else {
        optarg = argv[optind++];
    }
    scan.next = NULL;
    return c;
}

static int scan_options(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                        int *longind, int long_only) {
    char **args = (char **)argv; /* permuted in place, as glibc does */
    if (argc < 1)
        return -1;
    optarg = NULL;
    if (optind == 0 || !scan.initialized)
        optstring = initialize(optstring);
    else if (optstring[0] == '-' || optstring[0] == '+')
        optstring++;
    int print_errors = opterr && optstring[0] != ':';

#define NONOPTION(i) (argv[i][0] != '-' || argv[i][1] == '\0')
    if (!scan.next || !*scan.next) {
        if (scan.last_nonopt > optind)
            scan.last_nonopt = optind;
        if (scan.first_nonopt > optind)
            scan.first_nonopt = optind;
        if (scan.ordering == PERMUTE) {
            if (scan.first_nonopt != scan.last_nonopt && scan.last_nonopt != optind)
                exchange(args);
            else if (scan.last_nonopt != optind)
                scan.first_nonopt = optind;
            while (optind < argc && NONOPTION(optind))
                optind++;
            scan.last_nonopt = optind;
        }
        if (optind != argc && !strcmp(argv[optind], "--")) {
            optind++;
            if (scan.first_nonopt != scan.last_nonopt && scan.last_nonopt != optind)
                exchange(args);
            else if (scan.first_nonopt == scan.last_nonopt)
                scan.first_nonopt = optind;
            scan.last_nonopt = argc;
            optind = argc;
        }
        if (optind == argc) {
            if (scan.first_nonopt != scan.last_nonopt)
                optind = scan.first_nonopt;
            return -1;
        }
        if (NONOPTION(optind)) {
            if (scan.ordering == REQUIRE_ORDER)
                return -1;
            optarg = argv[optind++];
            return 1;
        }
        if (longopts) {
            if (argv[optind][1] == '-') {
                scan.next = argv[optind] + 2;
                return long_option(argc, argv, optstring, longopts, longind, long_only, print_errors, "--");
            }
            /* -f for getopt_long_only is the short option f when there is one. */
            if (long_only && (argv[optind][2] || !strchr(optstring, argv[optind][1]))) {
                scan.next = argv[optind] + 1;
                int code = long_option(argc, argv, optstring, longopts, longind, long_only, print_errors, "-");
                if (code != -1)
                    return code;
            }
        }
        scan.next = argv[optind] + 1;
    }
#undef NONOPTION
    return short_option(argc, argv, optstring, print_errors);
}

__attribute__((weak)) int getopt(int argc, char *const argv[], const char *optstring) {
    return scan_options(argc, argv, optstring, NULL, NULL, 0);
}

__attribute__((weak)) int getopt_long(int argc, char *const argv[], const char *optstring,
                                      const struct option *longopts, int *longind) {
    return scan_options(argc, argv, optstring, longopts, longind, 0);
}

__attribute__((weak)) int getopt_long_only(int argc, char *const argv[], const char *optstring,
                                           const struct option *longopts, int *longind) {
    return scan_options(argc, argv, optstring, longopts, longind, 1);
}
