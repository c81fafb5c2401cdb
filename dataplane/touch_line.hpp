// Bringing a cache line in ahead of its use, for the batches that work on many SAs at once.
#pragma once

namespace rampart::dataplane {

// Loads a byte of the cache line at p: brings the line in as a prefetch would, but is always
// carried out. On the build machine (an AMD EPYC VM) prefetch instructions over 10,000 SAs'
// lines were mostly not (the lines missed again where the packet read them, one after the
// other); independent loads in a short loop overlap as well, and always complete.
inline void touch_line(const void* p) {
  (void)*static_cast<const volatile char*>(p);
}

}  // namespace rampart::dataplane
