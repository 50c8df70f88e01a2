(module
  (type (;0;) (func (param funcref) (result i32)))
  (global (;0;) (mut i32) i32.const 0)
  (export "3" (func 0))
  (export "" (global 0))
  (func (;0;) (type 0) (param funcref) (result i32)
    (local f32)
    f32.const 0x0p+0 (;=0;)
    f32.const 0x1.51bd04p+126 (;=112232810000000000000000000000000000000;)
    f32.const 0x0p+0 (;=0;)
    local.get 1
    local.get 1
    f32.eq
    select
    local.get 0
    ref.is_null
    select
    i32.reinterpret_f32
    global.set 0
    i32.const 0
  )
)
