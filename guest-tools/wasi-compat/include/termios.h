/* wasi-libc has no <termios.h>: WASI has no terminals. glibc's struct termios and Linux's
 * flag values, so that terminal code compiles; tcgetattr and tcsetattr fail with ENOTTY (see
 * src/stubs.c), as they do on a pipe. */
#ifndef WASI_COMPAT_TERMIOS_H
#define WASI_COMPAT_TERMIOS_H
#include <sys/ioctl.h>

typedef unsigned char cc_t;
typedef unsigned int speed_t;
typedef unsigned int tcflag_t;

#define NCCS 32
struct termios {
    tcflag_t c_iflag;
    tcflag_t c_oflag;
    tcflag_t c_cflag;
    tcflag_t c_lflag;
    cc_t c_line;
    cc_t c_cc[NCCS];
    speed_t c_ispeed;
    speed_t c_ospeed;
};

#define VINTR     00
#define VQUIT     01
#define VERASE    02
#define VKILL     03
#define VEOF      04
#define VTIME     05
#define VMIN      06
#define VSWTC     07
#define VSTART    010
#define VSTOP     011
#define VSUSP     012
#define VEOL      013
#define VREPRINT  014
#define VDISCARD  015
#define VWERASE   016
#define VLNEXT    017
#define VEOL2     020
#define IGNBRK    01
#define BRKINT    02
#define IGNPAR    04
#define PARMRK    010
#define INPCK     020
#define ISTRIP    040
#define INLCR     0100
#define IGNCR     0200
#define ICRNL     0400
#define IUCLC     01000
#define IXON      02000
#define IXANY     04000
#define IXOFF     010000
#define IMAXBEL   020000
#define IUTF8     0040000
#define OPOST     01
#define OLCUC     02
#define ONLCR     04
#define OCRNL     010
#define ONOCR     020
#define ONLRET    040
#define OFILL     0100
#define OFDEL     0200
#define NLDLY     0400
#define CRDLY     03000
#define TABDLY    014000
#define BSDLY     020000
#define VTDLY     040000
#define FFDLY     0100000
#define TAB0      00
#define TAB3      014000
#define CBAUD     010017
#define CSIZE     060
#define CS5       00
#define CS6       020
#define CS7       040
#define CS8       060
#define CSTOPB    0100
#define CREAD     0200
#define PARENB    0400
#define PARODD    01000
#define HUPCL     02000
#define CLOCAL    04000
#define CRTSCTS   020000000000
#define ISIG      01
#define ICANON    02
#define ECHO      010
#define ECHOE     020
#define ECHOK     040
#define ECHONL    0100
#define NOFLSH    0200
#define TOSTOP    0400
#define ECHOCTL   01000
#define ECHOPRT   02000
#define ECHOKE    04000
#define IEXTEN    0100000
#define B0        00
#define B50       01
#define B75       02
#define B110      03
#define B134      04
#define B150      05
#define B200      06
#define B300      07
#define B600      010
#define B1200     011
#define B1800     012
#define B2400     013
#define B4800     014
#define B9600     015
#define B19200    016
#define B38400    017
#define B57600    010001
#define B115200   010002
#define B230400   010003
#define TCSANOW   00
#define TCSADRAIN 01
#define TCSAFLUSH 02
#define TCIFLUSH  00
#define TCOFLUSH  01
#define TCIOFLUSH 02
#define TCOOFF    00
#define TCOON     01
#define TCIOFF    02
#define TCION     03
#define NL0       00
#define NL1       0400
#define CR0       00
#define CR1       01000
#define CR2       02000
#define CR3       03000
#define TAB1      04000
#define TAB2      010000
#define XTABS     014000
#define BS0       00
#define BS1       020000
#define VT0       00
#define VT1       040000
#define FF0       00
#define FF1       0100000
#define XCASE     04
#define FLUSHO    010000
#define PENDIN    040000
#define EXTPROC   0200000
#define CMSPAR    010000000000
#define CIBAUD    02003600000

int tcgetattr(int fd, struct termios *termios);
int tcsetattr(int fd, int when, const struct termios *termios);
speed_t cfgetispeed(const struct termios *termios);
speed_t cfgetospeed(const struct termios *termios);
int cfsetispeed(struct termios *termios, speed_t speed);
int cfsetospeed(struct termios *termios, speed_t speed);
#endif
