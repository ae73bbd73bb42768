// storyline CLI — documents through N threads, results in input order; a progress line.
//
//   ordered_map<Job>(threads, 4 * threads,
//       [&](Job& j) { return stream.next(j.doc, problems); },   // main thread, input order; false: end
//       [&](Job& j) { j.x = extractor.extract(j.doc.text, ...); },   // any thread
//       [&](Job& j) { return out.write(...); });                  // main thread, input order; false: stop
//
// An optional sixth argument, `ready()`, says whether produce() can run without waiting for input;
// while it is false, finished jobs are consumed first, so a pipe fed one document at a time gets
// each result out before the next document arrives.
//
// At most `window` jobs are alive at once, so memory does not grow with the number of documents,
// and the output is the same bytes whatever the number of threads. The Extractor is immutable and
// thread-safe; nothing else is shared between workers (Graphviz rendering stays on the main thread).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace storyline::cli {

// 0 = all cores; never less than 1.
inline unsigned resolve_threads(unsigned requested) {
  if (requested > 0) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

template <class Job, class Produce, class Work, class Consume, class Ready>
void ordered_map(unsigned threads, std::size_t window, Produce produce, Work work, Consume consume, Ready ready) {
  window = std::max<std::size_t>(window, 1);
  if (threads <= 1) {
    for (;;) {
      Job j;
      if (!produce(j)) return;
      work(j);
      if (!consume(j)) return;
    }
  }
  struct Slot {
    Job job;
    bool done = false;
  };
  std::deque<std::unique_ptr<Slot>> slots;   // slots[0] is the oldest job not yet consumed
  std::size_t unclaimed = 0;                 // index in `slots` of the first job no worker has taken
  bool stop = false;
  std::mutex m;
  std::condition_variable work_ready, job_done;
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      std::unique_lock lock(m);
      for (;;) {
        work_ready.wait(lock, [&] { return stop || unclaimed < slots.size(); });
        if (stop) return;
        Slot* s = slots[unclaimed++].get();
        lock.unlock();
        work(s->job);
        lock.lock();
        s->done = true;
        job_done.notify_all();
      }
    });
  bool eof = false, halted = false;
  std::unique_lock lock(m);
  while (!halted) {
    while (!slots.empty() && slots.front()->done) {
      std::unique_ptr<Slot> s = std::move(slots.front());
      slots.pop_front();
      --unclaimed;
      lock.unlock();
      bool go_on = consume(s->job);
      lock.lock();
      if (!go_on) {
        halted = true;
        break;
      }
    }
    if (halted || (eof && slots.empty())) break;
    if (!eof && slots.size() < window && (slots.empty() || ready())) {
      lock.unlock();
      auto s = std::make_unique<Slot>();
      bool got = produce(s->job);
      lock.lock();
      if (got) {
        slots.push_back(std::move(s));
        work_ready.notify_one();
      } else {
        eof = true;
      }
      continue;
    }
    job_done.wait(lock, [&] { return slots.front()->done; });
  }
  stop = true;
  work_ready.notify_all();
  // Workers still busy finish the job in hand; `slots` outlives them.
  job_done.wait(lock, [&] {
    for (std::size_t i = 0; i < unclaimed; ++i)
      if (!slots[i]->done) return false;
    return true;
  });
  lock.unlock();
  for (auto& w : workers) w.join();
}

template <class Job, class Produce, class Work, class Consume>
void ordered_map(unsigned threads, std::size_t window, Produce produce, Work work, Consume consume) {
  ordered_map<Job>(threads, window, std::move(produce), std::move(work), std::move(consume), [] { return true; });
}

// "storyline: 1200 documents, 48.0 MB, 2.6 MB/s, ETA 0:12" on stderr, at most 5 times a second,
// only when enabled (a terminal, not --quiet). total_bytes 0: no ETA.
class Progress {
 public:
  // `label` goes before the counts ("storyline: <label>12 documents, ...").
  Progress(bool enabled, std::uint64_t total_bytes, std::string label = {});
  void update(std::size_t documents, std::uint64_t bytes, bool force = false);
  void finish();   // ends the line

 private:
  bool enabled_;
  bool shown_ = false;
  std::uint64_t total_;
  std::string label_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace storyline::cli
