;; Imports everything provider.wat exports (as m0), writes through it and
;; calls back into it directly and through the imported table.
(module
  (import "m0" "mem" (memory 1 2))
  (import "m0" "g" (global $g (mut i64)))
  (import "m0" "t" (table 2 funcref))
  (import "m0" "inc" (func $inc (param i64) (result i64)))
  (type $t (func (param i64) (result i64)))
  (export "g" (global $g))
  (export "mem" (memory 0))
  (func (export "run") (param i64) (result i64)
    (i64.store (i32.const 8) (call $inc (local.get 0)))
    (global.set $g (i64.add (global.get $g) (i64.const 0x100000000)))
    (call_indirect (type $t) (local.get 0) (i32.const 1))))
