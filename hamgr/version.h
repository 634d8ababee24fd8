/* version: the one place hamgr's version is written down. */
#ifndef HAMGR_VERSION_H
#define HAMGR_VERSION_H

#define HAMGR_VERSION "0.1.0"

#endif
