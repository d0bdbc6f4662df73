#ifndef CEPOLL_SHIM_H
#define CEPOLL_SHIM_H
/// Swift's Glibc module does not export epoll or eventfd; the event loops import them from here.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
