;; call_indirect dispatch: n steps of a state machine whose next step is
;; chosen through a table of eight functions of the same type.
(module
  (type $step (func (param i64 i32) (result i64)))
  (table 8 funcref)
  (elem (i32.const 0) $add $xor $mul $rot $sub $shl $mix $inc)
  (func $add (type $step) (i64.add (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func $xor (type $step) (i64.xor (local.get 0) (i64.const 0x9e3779b97f4a7c15)))
  (func $mul (type $step) (i64.mul (local.get 0) (i64.const 6364136223846793005)))
  (func $rot (type $step) (i64.rotl (local.get 0) (i64.const 13)))
  (func $sub (type $step) (i64.sub (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func $shl (type $step) (i64.xor (local.get 0) (i64.shr_u (local.get 0) (i64.const 29))))
  (func $mix (type $step) (i64.add (local.get 0) (i64.shl (local.get 0) (i64.const 3))))
  (func $inc (type $step) (i64.add (local.get 0) (i64.const 1)))
  (func (export "run") (param $n i32) (result i64)
    (local $state i64) (local $i i32)
    (local.set $state (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $state
          (call_indirect (type $step)
            (local.get $state) (local.get $i)
            (i32.wrap_i64 (i64.and (i64.shr_u (local.get $state) (i64.const 7)) (i64.const 7)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $state)))
