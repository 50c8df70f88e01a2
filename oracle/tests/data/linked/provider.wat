;; Exports a memory, a mutable global, a table and a function, for
;; main.wat to import as m0 (the linked-instance tests).
(module
  (memory (export "mem") 1 2)
  (global (export "g") (mut i64) (i64.const 5))
  (table (export "t") 2 funcref)
  (func $inc (export "inc") (param i64) (result i64) (i64.add (local.get 0) (global.get 0)))
  (elem (i32.const 1) $inc))
