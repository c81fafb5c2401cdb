// Rampart's XDP program: on an outside port, steers to the packet workers' AF_XDP sockets only
// what the dataplane owns, exactly what Decapsulator takes from an AF_PACKET ring
// (dataplane/forward/decap.cpp): an untagged IPv4 frame addressed to one of the workers' ports
// carrying ESP (IP protocol 50) or ESP-in-UDP (UDP destination port 4500 whose first payload
// word is not zero, RFC 3948's non-ESP marker being IKE's). Everything else goes on to the
// kernel (XDP_PASS): ARP, IKE on 500 and 4500, management, the firewall's traffic.
// Traffic that an outbound SA protects never comes this way: the kernel routes it into the
// port's TUN device after its firewall, and the workers read it there (as with AF_PACKET), so
// the program needs no SPD; the workers' AF_PACKET rings stay open beside the sockets and take
// what is passed here but still theirs:
// - IPv4 fragments, which the kernel reassembles before the rings' fanout;
// - frames larger than an AF_XDP frame (jumbo MTUs), which a socket cannot hold;
// - anything arriving on a queue with no socket (bpf_redirect_map's XDP_PASS fallback).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

// RX queue -> AF_XDP socket, filled by the workers (one socket per queue).
struct {
  __uint(type, BPF_MAP_TYPE_XSKMAP);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u32);
} xsks SEC(".maps");

// The workers' port addresses (network order), filled by the daemon: "addressed to us".
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u8);
} local_addrs SEC(".maps");

// Per-port settings, filled by the daemon: [0] the largest frame a socket takes.
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} settings SEC(".maps");

// Frames steered and frames passed, for the tests and show commands ([0] steered, [1] passed).
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, __u64);
} counts SEC(".maps");

static __always_inline int count(__u32 which, int verdict) {
  __u64* c = bpf_map_lookup_elem(&counts, &which);
  if (c) *c += 1;
  return verdict;
}

// RFC 3948 2.2: ESP in UDP on 4500 starts with a non-zero SPI where IKE has four zero bytes.
// RFC 3948 2.2: ESP in UDP on 4500 starts with a non-zero SPI where IKE has four zero bytes.
// Decapsulator wants the UDP header and eight bytes of ESP inside the IP total length.
static __always_inline int esp_in_udp(void* l4, void* end, __u32 l4_len) {
  struct udphdr* udp = l4;
  __u32* first = (void*)(udp + 1);
  if ((void*)(first + 1) > end || l4_len < sizeof(*udp) + 8) return 0;
  return udp->dest == bpf_htons(4500) && *first != 0;
}

// The checks of Decapsulator::queue and esp_of, in their order, plus the two that keep a frame
// on AF_PACKET (a fragment, a frame longer than a socket's).
static __always_inline int ours(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* end = (void*)(long)ctx->data_end;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return 0;
  struct iphdr* ip = (void*)(eth + 1);
  if ((void*)(ip + 1) > end || ip->version != 4 || ip->ihl < 5) return 0;
  __u32 ihl = ip->ihl * 4, total = bpf_ntohs(ip->tot_len);
  if (total > (__u32)(end - (void*)ip) || total < ihl) return 0;
  if (!bpf_map_lookup_elem(&local_addrs, &ip->daddr)) return 0;
  // Fragments go to the kernel, which reassembles them for the AF_PACKET rings.
  if (ip->frag_off & bpf_htons(0x3fff)) return 0;
  // A frame in several buffers (a jumbo frame: the program is frags-aware so that veth and
  // the drivers let the port keep a jumbo MTU) is longer than a socket's frame: the kernel's.
  __u32 key = 0;
  __u32* max_frame = bpf_map_lookup_elem(&settings, &key);
  if (!max_frame || bpf_xdp_get_buff_len(ctx) > *max_frame) return 0;
  if (ip->protocol == IPPROTO_ESP) return 1;
  if (ip->protocol != IPPROTO_UDP) return 0;
  return esp_in_udp((void*)ip + ihl, end, total - ihl);
}

SEC("xdp.frags")
int rampart_steer(struct xdp_md* ctx) {
  if (!ours(ctx)) return count(1, XDP_PASS);
  // No socket on this queue (yet): the kernel and the AF_PACKET rings take it.
  return count(0, bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS));
}

char LICENSE[] SEC("license") = "GPL";
