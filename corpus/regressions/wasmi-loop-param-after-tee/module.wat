(module
  (global (export "g") (mut i32) i32.const 0)
  (func (export "f") (param f32)
    (local f32 f32 f32)
    f32.const 4.0
    f32.sqrt
    local.tee 2
    f32.const nan
    local.get 2
    local.get 2
    f32.eq
    select
    local.tee 1
    local.get 0
    loop (param f32) (result f32)
      f32.abs
    end
    drop
    i32.reinterpret_f32
    global.set 0))
