/* WASI has no users: a stand-in so that jq's home-directory lookup finds none. */
#ifndef MIRROR_WASI_PWD_H
#define MIRROR_WASI_PWD_H
struct passwd { char *pw_dir; };
static inline struct passwd *getpwuid(int uid) { (void)uid; return 0; }
static inline int getuid(void) { return 0; }
#endif
