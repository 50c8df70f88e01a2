;; memory.fill and memory.copy over a 4 MiB buffer, n rounds of shifting
;; overlapping copies; returns a checksum of sampled bytes.
(module
  (memory 64)
  (func (export "run") (param $n i32) (result i64)
    (local $round i32) (local $i i32) (local $sum i64)
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 4194304))
    (block $done
      (loop $rounds
        (br_if $done (i32.ge_u (local.get $round) (local.get $n)))
        ;; A fresh pattern in the first 64 KiB...
        (memory.fill (i32.const 0) (i32.and (local.get $round) (i32.const 255)) (i32.const 65536))
        (i32.store (i32.const 128) (local.get $round))
        ;; ...spread through the buffer by overlapping forward and backward copies.
        (local.set $i (i32.const 0))
        (block $spread_done
          (loop $spread
            (br_if $spread_done (i32.ge_u (local.get $i) (i32.const 60)))
            (memory.copy
              (i32.add (i32.mul (local.get $i) (i32.const 65536)) (i32.const 65537))
              (i32.mul (local.get $i) (i32.const 65536))
              (i32.const 65536))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $spread)))
        (memory.copy (i32.const 7) (i32.const 1000003) (i32.const 2000000))
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br $rounds)))
    ;; Sample every 4099th byte.
    (local.set $i (i32.const 0))
    (block $sum_done
      (loop $sample
        (br_if $sum_done (i32.ge_u (local.get $i) (i32.const 4194304)))
        (local.set $sum
          (i64.add (i64.mul (local.get $sum) (i64.const 31))
                   (i64.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 4099)))
        (br $sample)))
    (local.get $sum)))
