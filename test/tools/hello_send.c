/* hello_send: send hand-made UDP datagrams (given in hex) to a port, with a
 * chosen TTL / hop limit, a bounded number of times at a bounded rate. For
 * the netns tests of hamgr's peer announcements (malformed, forged, wrong
 * TTL). Only ever used inside the test's own namespaces.
 *
 *   hello_send [-i IFACE] [-t TTL] [-n COUNT] [-r PER_SECOND] [-p PORT] DST HEX...
 * Each HEX argument is one datagram; they are sent in turn. */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex into buf; returns the length, or -1. */
static int unhex(const char *s, unsigned char *buf, size_t max)
{
	size_t n = 0;

	while (s[0] && s[1] && n < max) {
		int h = hexval(s[0]), l = hexval(s[1]);

		if (h < 0 || l < 0)
			return -1;
		buf[n++] = (unsigned char)(h << 4 | l);
		s += 2;
	}
	return *s ? -1 : (int)n;
}

static void usage(void)
{
	fprintf(stderr, "usage: hello_send [-i IFACE] [-t TTL] [-n COUNT] [-r RATE] [-p PORT] DST HEX...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL;
	int ttl = 255, port = 5798, c, fd, v6, i;
	long count = 1, rate = 100, sent = 0;
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned char pkt[64][512];
	int len[64], npkt;

	while ((c = getopt(argc, argv, "i:t:n:r:p:")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 't': ttl = atoi(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'r': rate = atol(optarg); break;
		case 'p': port = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind < 2 || argc - optind > 65 || count < 1 || count > 100000 ||
	    rate < 1 || rate > 10000 || ttl < 1 || ttl > 255)
		usage();
	memset(&ss, 0, sizeof(ss));
	v6 = strchr(argv[optind], ':') != NULL;
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, argv[optind], &s6->sin6_addr) != 1)
			usage();
		s6->sin6_scope_id = ifname ? if_nametoindex(ifname) : 0;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, argv[optind], &s4->sin_addr) != 1)
			usage();
		sl = sizeof(*s4);
	}
	for (npkt = 0, i = optind + 1; i < argc; i++, npkt++)
		if ((len[npkt] = unhex(argv[i], pkt[npkt], sizeof(pkt[npkt]))) < 0)
			usage();
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		perror("SO_BINDTODEVICE");
	if (v6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl));
		setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
	} else {
		unsigned char mttl = (unsigned char)ttl;

		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &mttl, sizeof(mttl));
		setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
		if (ifname) {
			struct ip_mreqn mr = { .imr_ifindex = (int)if_nametoindex(ifname) };

			setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr));
		}
	}
	for (sent = 0; sent < count; sent++) {
		struct timespec ts = { 0, 1000000000L / rate };
		int k = (int)(sent % npkt);

		if (sendto(fd, pkt[k], (size_t)len[k], 0, (struct sockaddr *)&ss, sl) < 0)
			perror("sendto");
		nanosleep(&ts, NULL);
	}
	printf("hello_send: %ld datagrams to %s port %d, ttl %d\n", sent, argv[optind], port, ttl);
	close(fd);
	return 0;
}
