#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H
/// Linux interfaces Swift's Glibc module does not export: epoll and eventfd for the event
/// loops, malloc_trim to give start-up memory back, sendfile for whole-file copies.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <malloc.h>
#include <sys/sendfile.h>
#endif
