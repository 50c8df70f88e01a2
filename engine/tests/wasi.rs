//! WASI programs written in C (`tests/wasi/*.c`, built by
//! `tests/wasi/build.sh` with clang + wasi-libc) run on every tier, with the
//! same output and exit status.

use engine::wasi::{self, Output, WasiCtx};
use engine::{Config, Engine, Linker, Module, Store, Tier};

/// `wasm` (binary or text) instantiated on `tier` with WASI over `ctx`.
fn instantiate(tier: Tier, wasm: impl AsRef<[u8]>, ctx: WasiCtx) -> (Store<WasiCtx>, engine::Instance) {
    let mut config = Config::new();
    config.tier(tier);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, wasm.as_ref()).unwrap();
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, &mut store, |ctx| ctx);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

/// Runs `_start` of `wasm` on `tier`: (stdout, stderr, exit status).
fn run(tier: Tier, wasm: &[u8], ctx: WasiCtx) -> (String, String, i32) {
    let (stdout, out) = Output::capture();
    let (stderr, err) = Output::capture();
    let (mut store, instance) = instantiate(tier, wasm, ctx.stdout(stdout).stderr(stderr));
    let start = instance.get_func(&store, "_start").unwrap().typed::<WasiCtx, (), ()>(&store).unwrap();
    let status = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(engine::Error::Trap(t)) => t.exit_status().unwrap_or_else(|| panic!("{tier}: trapped: {t}")),
        Err(e) => panic!("{tier}: {e}"),
    };
    let text = |b: std::sync::Arc<std::sync::Mutex<Vec<u8>>>| String::from_utf8(b.lock().unwrap().clone()).unwrap();
    (text(out), text(err), status)
}

const TIERS: [Tier; 3] = [Tier::Interp, Tier::Cranelift, Tier::Baseline];

#[test]
fn hello_world_prints_and_exits_zero_on_every_tier() {
    for tier in TIERS {
        let got = run(tier, include_bytes!("wasi/hello.wasm"), WasiCtx::new());
        assert_eq!(got, ("hello from wasm\n".to_string(), String::new(), 0), "{tier}");
    }
}

#[test]
fn arguments_environment_stdin_clocks_random_and_exit_status() {
    let mut outputs = Vec::new();
    for tier in TIERS {
        let ctx =
            WasiCtx::new().args(["echo.wasm", "one", "two words"]).env("GREETING", "hi there").stdin_bytes("shout\n");
        let (stdout, stderr, status) = run(tier, include_bytes!("wasi/echo.wasm"), ctx);
        let want = "arg 0: echo.wasm\narg 1: one\narg 2: two words\nGREETING=hi there\nSHOUT\n\
                    monotonic ok: 1\nrealtime after 2020: 1\nrandom ok: 1\n";
        assert_eq!((stdout.as_str(), stderr.as_str(), status), (want, "", 3), "{tier}");
        outputs.push(stdout);
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn bad_guest_pointers_are_efault_sockets_are_not_there_and_unimplemented_calls_enosys() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
      (import "wasi_unstable" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_raise" (func $raise (param i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "iovec_out_of_bounds") (result i32)
        (i32.store (i32.const 0) (i32.const 65530)) (i32.store (i32.const 4) (i32.const 100))
        (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
      (func (export "result_out_of_bounds") (result i32) (call $sizes (i32.const 65533) (i32.const 0)))
      (func (export "wrapping_pointer") (result i32) (call $sizes (i32.const -1) (i32.const 0)))
      (func (export "bad_fd") (result i32) (call $write (i32.const 9) (i32.const 0) (i32.const 0) (i32.const 16)))
      (func (export "shutdown_closed") (result i32) (call $shutdown (i32.const 3) (i32.const 0)))
      (func (export "shutdown_stdout") (result i32) (call $shutdown (i32.const 1) (i32.const 0)))
      (func (export "raise") (result i32) (call $raise (i32.const 2))))"#;
    for tier in TIERS {
        let (mut store, instance) = instantiate(tier, wat, WasiCtx::new());
        let mut errno = |name: &str| {
            let f = instance.get_func(&store, name).unwrap().typed::<WasiCtx, (), i32>(&store).unwrap();
            f.call(&mut store, ()).unwrap()
        };
        let expected = [
            ("iovec_out_of_bounds", wasi::errno::FAULT),
            ("result_out_of_bounds", wasi::errno::FAULT),
            ("wrapping_pointer", wasi::errno::FAULT),
            ("bad_fd", wasi::errno::BADF),
            ("shutdown_closed", wasi::errno::BADF),
            ("shutdown_stdout", wasi::errno::NOTSOCK),
            ("raise", wasi::errno::NOSYS),
        ];
        for (name, want) in expected {
            assert_eq!(errno(name), i32::from(want), "{name} on {tier}");
        }
    }
}

/// A fresh directory holding `sandbox/` (with in.txt and two symlinks
/// pointing out of it) next to `outside.txt`.
fn sandbox(name: &str) -> std::path::PathBuf {
    let base = std::env::temp_dir().join(format!("crucible-wasi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(base.join("sandbox")).unwrap();
    std::fs::write(base.join("outside.txt"), "secret").unwrap();
    std::fs::write(base.join("sandbox/in.txt"), "the quick brown fox jumps over the lazy dog, twice over\n").unwrap();
    std::os::unix::fs::symlink("../outside.txt", base.join("sandbox/link-up")).unwrap();
    std::os::unix::fs::symlink(base.join("outside.txt"), base.join("sandbox/link-absolute")).unwrap();
    base
}

#[test]
fn files_are_copied_inside_a_preopen_and_every_escape_is_refused() {
    for tier in TIERS {
        let base = sandbox(tier.name());
        let ctx = WasiCtx::new().preopen_dir(base.join("sandbox"), "/sandbox").unwrap();
        let (stdout, stderr, status) = run(tier, include_bytes!("wasi/files.wasm"), ctx);
        assert_eq!(status, 0, "{tier}: {stdout}{stderr}");
        let escape = wasi::errno::PERM;
        let want = format!(
            "copied 56 bytes\nrefused /sandbox/../outside.txt: errno {escape}\n\
             refused /sandbox/link-up: errno {escape}\nrefused /sandbox/link-absolute: errno {escape}\n\
             refused /sandbox/out/../../outside.txt: errno {escape}\n\
             write to read-only: -1 errno {}\n",
            wasi::errno::BADF
        );
        assert_eq!(stdout, want, "{tier}");
        assert_eq!(
            std::fs::read(base.join("sandbox/out/copy.txt")).unwrap(),
            std::fs::read(base.join("sandbox/in.txt")).unwrap()
        );
        assert_eq!(std::fs::read_to_string(base.join("outside.txt")).unwrap(), "secret");
        std::fs::remove_dir_all(&base).unwrap();
    }
}

#[test]
fn path_open_refuses_absolute_paths_and_climbing_out_at_the_host_level() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "path_open"
        (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "/etc/passwd")
      (data (i32.const 200) "a/../../outside.txt")
      (data (i32.const 300) "in.txt")
      (func (export "open") (param i32 i32) (result i32)
        (call $open (i32.const 3) (i32.const 1) (local.get 0) (local.get 1)
          (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0))))"#;
    for tier in TIERS {
        let base = sandbox(&format!("{}-raw", tier.name()));
        std::fs::create_dir(base.join("sandbox/a")).unwrap();
        let ctx = WasiCtx::new().preopen_dir(base.join("sandbox"), "/sandbox").unwrap();
        let (mut store, instance) = instantiate(tier, wat, ctx);
        let open = instance.get_func(&store, "open").unwrap().typed::<WasiCtx, (i32, i32), i32>(&store).unwrap();
        let escape = i32::from(wasi::errno::PERM);
        assert_eq!(open.call(&mut store, (100, 11)).unwrap(), escape, "{tier}: absolute");
        assert_eq!(open.call(&mut store, (200, 19)).unwrap(), escape, "{tier}: climbing out");
        assert_eq!(open.call(&mut store, (300, 6)).unwrap(), 0, "{tier}: inside");
        std::fs::remove_dir_all(&base).unwrap();
    }
}

#[test]
fn directories_links_times_and_sleeping_work_and_link_escapes_are_refused() {
    let mut outputs = Vec::new();
    for tier in TIERS {
        let base = sandbox(&format!("{}-dirs", tier.name()));
        let ctx = WasiCtx::new().preopen_dir(base.join("sandbox"), "/sandbox").unwrap();
        let (stdout, stderr, status) = run(tier, include_bytes!("wasi/dirs.wasm"), ctx);
        assert_eq!((status, stderr.as_str()), (0, ""), "{tier}: {stdout}");
        let escape = wasi::errno::PERM;
        let noent = wasi::errno::NOENT;
        let want = format!(
            "/sandbox/d: . .. a.txt b.txt\nrename: 0\nsymlink: 0\nreadlink: 5 c.txt\nlink: 0\n\
             /sandbox/d: . .. b.txt c.txt hard link\nlink out: -1 errno {escape}\n\
             symlink absolute: -1 errno {escape}\ntruncate: 0\nfutimens: 0\n\
             b.txt size 1 mtime 1500000000\nslept at least 2 ms: 1\nunlink: 0 0 0 0\nrmdir: 0\n\
             opendir /sandbox/d: errno {noent}\n"
        );
        assert_eq!(stdout, want, "{tier}");
        assert_eq!(std::fs::read_to_string(base.join("outside.txt")).unwrap(), "secret");
        std::fs::remove_dir_all(&base).unwrap();
        outputs.push(stdout);
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn a_compute_program_gives_the_same_checked_output_on_every_tier() {
    // What the same C source prints built natively (`gcc -O2 compress.c`).
    let native = "input 40000 bytes, compressed 9519 bytes, round trip exact, checksum 0f399cdce7f62b17\n";
    for tier in TIERS {
        let (stdout, stderr, status) = run(tier, include_bytes!("wasi/compress.wasm"), WasiCtx::new());
        assert_eq!((stdout.as_str(), stderr.as_str(), status), (native, "", 0), "{tier}");
    }
}

#[test]
fn traps_carry_a_backtrace_with_function_names_on_every_tier() {
    let wat = r#"(module
      (import "host" "fail" (func $fail))
      (func $innermost (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
      (func $middle (param i32) (result i32) (call $innermost (local.get 0)))
      (func $calls_host (call $fail))
      (func (export "divide") (param i32) (result i32) (call $middle (local.get 0)))
      (func (export "host_error") (call $calls_host)))"#;
    for tier in TIERS {
        let mut config = Config::new();
        config.tier(tier);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker.func_wrap(&mut store, "host", "fail", |_: engine::Caller<'_, ()>| -> Result<(), engine::Trap> {
            Err(engine::Trap::host("no"))
        });
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let frames = |name: &str, arg: Option<i32>, store: &mut Store<()>| -> Vec<String> {
            let f = instance.get_func(&*store, name).unwrap();
            let args: Vec<engine::Val> = arg.into_iter().map(engine::Val::I32).collect();
            let mut results = vec![engine::Val::I32(0); usize::from(arg.is_some())];
            let err = f.call(&mut *store, &args, &mut results).unwrap_err();
            err.trap().unwrap().backtrace().iter().map(ToString::to_string).collect()
        };
        assert_eq!(
            frames("divide", Some(0), &mut store),
            ["innermost (function 1)", "middle (function 2)", "function 4"],
            "{tier}"
        );
        assert_eq!(frames("host_error", None, &mut store), ["calls_host (function 3)", "function 5"], "{tier}");
        // A later trap starts a fresh backtrace.
        assert_eq!(frames("divide", Some(0), &mut store).len(), 3, "{tier}");
    }
}

#[test]
fn poll_oneoff_sleeps_on_a_clock_in_both_subscription_layouts() {
    // One relative 2 ms monotonic-clock subscription with userdata 77, as
    // preview 1 lays it out (clock at 16) and as wasi_unstable does (an
    // identifier first: clock at 24); the event goes to 400.
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
      (import "wasi_unstable" "poll_oneoff" (func $poll_unstable (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "poll") (param $unstable i32) (result i32)
        (local $clock i32)
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 512))
        (i64.store (i32.const 0) (i64.const 77))
        (local.set $clock (select (i32.const 24) (i32.const 16) (local.get $unstable)))
        (i32.store (local.get $clock) (i32.const 1))
        (i64.store (i32.add (local.get $clock) (i32.const 8)) (i64.const 2000000))
        (if (result i32) (local.get $unstable)
          (then (call $poll_unstable (i32.const 0) (i32.const 400) (i32.const 1) (i32.const 300)))
          (else (call $poll (i32.const 0) (i32.const 400) (i32.const 1) (i32.const 300)))))
      (func (export "events") (result i32) (i32.load (i32.const 300)))
      (func (export "userdata") (result i64) (i64.load (i32.const 400))))"#;
    for tier in TIERS {
        let (mut store, instance) = instantiate(tier, wat, WasiCtx::new());
        let poll = instance.get_func(&store, "poll").unwrap().typed::<WasiCtx, i32, i32>(&store).unwrap();
        let events = instance.get_func(&store, "events").unwrap().typed::<WasiCtx, (), i32>(&store).unwrap();
        let userdata = instance.get_func(&store, "userdata").unwrap().typed::<WasiCtx, (), i64>(&store).unwrap();
        for unstable in [0, 1] {
            let start = std::time::Instant::now();
            assert_eq!(poll.call(&mut store, unstable).unwrap(), 0, "{tier}, unstable {unstable}");
            assert!(start.elapsed() >= std::time::Duration::from_millis(2), "{tier}, unstable {unstable}");
            assert_eq!(events.call(&mut store, ()).unwrap(), 1);
            assert_eq!(userdata.call(&mut store, ()).unwrap(), 77);
        }
    }
}

#[test]
fn rights_are_granted_from_the_directory_only_narrowed_and_enforced() {
    const FD_READ: i64 = 1 << 1;
    const FD_SEEK: i64 = 1 << 2;
    const FD_TELL: i64 = 1 << 5;
    const FD_WRITE: i64 = 1 << 6;
    const PATH_CREATE_DIRECTORY: i64 = 1 << 9;
    const PATH_CREATE_FILE: i64 = 1 << 10;
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "path_open"
        (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $set_rights (param i32 i64 i64) (result i32)))
      (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "\2c\01\00\00\01\00\00\00") ;; iovec {300, 1}
      (data (i32.const 300) "x")
      (data (i32.const 500) "data")
      (data (i32.const 520) "new.txt")
      (data (i32.const 540) "newdir")
      (func (export "open") (param $path i32) (param $len i32) (param $oflags i32) (param $base i64) (result i32)
        (call $open (i32.const 3) (i32.const 0) (local.get $path) (local.get $len)
          (local.get $oflags) (local.get $base) (i64.const 0) (i32.const 0) (i32.const 0)))
      (func (export "last_fd") (result i32) (i32.load (i32.const 0)))
      (func (export "write") (param i32) (result i32)
        (call $write (local.get 0) (i32.const 16) (i32.const 1) (i32.const 24)))
      (func (export "read") (param i32) (result i32)
        (i32.store (i32.const 16) (i32.const 400)) (i32.store (i32.const 20) (i32.const 5))
        (call $read (local.get 0) (i32.const 16) (i32.const 1) (i32.const 24))
        (i32.store (i32.const 16) (i32.const 300)) (i32.store (i32.const 20) (i32.const 1)))
      (func (export "seek") (param i32) (result i32)
        (call $seek (local.get 0) (i64.const 0) (i32.const 0) (i32.const 32)))
      (func (export "rights") (param i32) (result i64)
        (drop (call $fdstat (local.get 0) (i32.const 48))) (i64.load (i32.const 56)))
      (func (export "set_rights") (param i32 i64 i64) (result i32)
        (call $set_rights (local.get 0) (local.get 1) (local.get 2)))
      (func (export "mkdir") (result i32) (call $mkdir (i32.const 3) (i32.const 540) (i32.const 6))))"#;
    let notcapable = i32::from(wasi::errno::NOTCAPABLE);
    let badf = i32::from(wasi::errno::BADF);
    for tier in TIERS {
        let base = sandbox(&format!("{}-rights", tier.name()));
        let data = base.join("sandbox/data");
        std::fs::write(&data, "hello").unwrap();
        let ctx = WasiCtx::new().preopen_dir(base.join("sandbox"), "/sandbox").unwrap();
        let (mut store, instance) = instantiate(tier, wat, ctx);
        macro_rules! call {
            ($name:literal, $params:ty, $results:ty, $args:expr) => {
                instance
                    .get_func(&store, $name)
                    .unwrap()
                    .typed::<WasiCtx, $params, $results>(&store)
                    .unwrap()
                    .call(&mut store, $args)
                    .unwrap()
            };
        }
        let memory = instance.get_memory(&store, "memory").unwrap();

        // A descriptor gets what it asked for, and only that.
        assert_eq!(call!("open", (i32, i32, i32, i64), i32, (500, 4, 0, FD_READ | FD_SEEK | FD_TELL)), 0, "{tier}");
        let fd = call!("last_fd", (), i32, ());
        assert_eq!(call!("rights", i32, i64, fd), FD_READ | FD_SEEK | FD_TELL, "{tier}");
        assert_eq!(call!("write", i32, i32, fd), badf, "{tier}: write without the right");
        assert_eq!(call!("read", i32, i32, fd), 0, "{tier}");
        assert_eq!(&memory.data(&store).unwrap()[400..405], b"hello", "{tier}");
        // Rights can be dropped, never added back.
        assert_eq!(call!("set_rights", (i32, i64, i64), i32, (fd, FD_READ | FD_WRITE, 0)), notcapable, "{tier}");
        assert_eq!(call!("set_rights", (i32, i64, i64), i32, (fd, FD_READ, 0)), 0, "{tier}");
        assert_eq!(call!("seek", i32, i32, fd), notcapable, "{tier}: seek after dropping it");
        assert_eq!(call!("read", i32, i32, fd), 0, "{tier}: reading is still allowed");

        // With the right, writing works.
        assert_eq!(call!("open", (i32, i32, i32, i64), i32, (500, 4, 0, FD_READ | FD_WRITE)), 0, "{tier}");
        let writable = call!("last_fd", (), i32, ());
        assert_eq!(call!("write", i32, i32, writable), 0, "{tier}");
        assert_eq!(std::fs::read_to_string(&data).unwrap(), "xello", "{tier}");

        // A narrowed directory can neither create nor hand out more than it may pass on.
        let dir_rights = call!("rights", i32, i64, 3);
        let narrowed = dir_rights & !(PATH_CREATE_DIRECTORY | PATH_CREATE_FILE);
        assert_eq!(call!("set_rights", (i32, i64, i64), i32, (3, narrowed, FD_READ)), 0, "{tier}");
        assert_eq!(call!("mkdir", (), i32, ()), notcapable, "{tier}");
        assert!(!base.join("sandbox/newdir").exists(), "{tier}");
        assert_eq!(call!("open", (i32, i32, i32, i64), i32, (520, 7, 1, FD_WRITE)), notcapable, "{tier}: create");
        assert!(!base.join("sandbox/new.txt").exists(), "{tier}");
        assert_eq!(call!("open", (i32, i32, i32, i64), i32, (500, 4, 0, FD_READ | FD_WRITE)), 0, "{tier}");
        let read_only = call!("last_fd", (), i32, ());
        assert_eq!(call!("rights", i32, i64, read_only), FD_READ, "{tier}: only what the directory passes on");
        assert_eq!(call!("write", i32, i32, read_only), badf, "{tier}");
        assert_eq!(std::fs::read_to_string(&data).unwrap(), "xello", "{tier}");
        assert_eq!(call!("set_rights", (i32, i64, i64), i32, (3, dir_rights, FD_READ)), notcapable, "{tier}");
        std::fs::remove_dir_all(&base).unwrap();
    }
}

/// Runs `tests/wasi/<name>.wasm` on every tier with a fresh [`sandbox`]
/// preopened as `/sandbox`: its stdout and exit status must be what
/// `wasmtime run` 36.0.8 printed for it with the same layout, as
/// `tests/wasi/record-expected.sh` recorded in `<name>.expected`.
fn behaves_like_wasmtime(name: &str, wasm: &[u8], expected: &str) {
    for tier in TIERS {
        let base = sandbox(&format!("{}-{name}", tier.name()));
        let ctx = WasiCtx::new().args([format!("{name}.wasm")]).preopen_dir(base.join("sandbox"), "/sandbox").unwrap();
        let (stdout, _, status) = run(tier, wasm, ctx);
        let got = format!("{stdout}exit status: {status}\n");
        std::fs::remove_dir_all(&base).unwrap();
        if got != expected {
            let differences: Vec<String> = got
                .lines()
                .zip(expected.lines())
                .filter(|(got, want)| got != want)
                .map(|(got, want)| format!("  got  {got}\n  want {want}"))
                .collect();
            panic!(
                "{name} on {tier} differs from wasmtime ({} lines against {}):\n{}\n--- whole output:\n{got}",
                got.lines().count(),
                expected.lines().count(),
                differences.join("\n")
            );
        }
    }
}

macro_rules! like_wasmtime {
    ($($test:ident: $name:literal,)*) => {$(
        #[test]
        fn $test() {
            behaves_like_wasmtime(
                $name,
                include_bytes!(concat!("wasi/", $name, ".wasm")),
                include_str!(concat!("wasi/", $name, ".expected")),
            );
        }
    )*};
}

// Each program prints one line per check; `tests/wasi/<name>.c` says what it covers.
like_wasmtime! {
    a_trailing_slash_on_a_file_fails_every_call_as_in_wasmtime: "trailing_slash",
    open_flags_directories_and_fdflags_are_as_in_wasmtime: "open_flags",
    the_standard_descriptors_renumber_and_close_as_in_wasmtime: "renumber",
    socket_calls_on_other_descriptors_are_ebadf_or_enotsock_as_in_wasmtime: "sockets",
    link_loops_dangling_links_and_dot_dot_resolve_as_in_wasmtime: "links",
    seek_allocate_advise_times_and_sync_are_as_in_wasmtime: "fdops",
    paths_ending_in_slashes_and_dots_are_as_in_wasmtime: "path_ends",
    positions_appends_and_calls_a_descriptor_does_not_take_are_as_in_wasmtime: "positions",
    each_kind_of_descriptor_answers_the_others_calls_as_in_wasmtime: "descriptors",
}
