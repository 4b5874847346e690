import Foundation
#if canImport(Glibc)
import Glibc
#endif

// The launcher is Linux's: fds 3/4 handed to Chromium through posix_spawn file actions, the process
// tree read from /proc, children reaped with waitpid. Say so where a build elsewhere would start.
#if !os(Linux)
#error("Headless launches Chromium with Linux APIs (posix_spawn on fds 3/4, /proc, waitpid): build it on Linux")
#endif

/// The descriptors of one spawned browser as seen from our side.
struct SpawnedChild {
    let pid: pid_t
    /// We write CDP here (the browser's fd 3).
    let cdpWrite: CInt?
    /// We read CDP here (the browser's fd 4).
    let cdpRead: CInt?
    /// The browser's stderr.
    let stderrRead: CInt
}

/// posix_spawn with the CDP pipes on fds 3/4, stdin/stdout on /dev/null, stderr into a pipe, every
/// other descriptor closed in the child, its own process group and default signal dispositions.
enum PosixSpawn {
    struct Failure: Error {
        let errno: Int32
        let detail: String
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<CInt>, CInt) -> CInt

    /// glibc ≥ 2.34 has these, but the Glibc module does not export them.
    private static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    private static let pipe2: Pipe2? = symbol("pipe2")

    private static func symbol<F>(_ name: String) -> F? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: F.self)
    }

    /// Spawns `executable` with `arguments`; `cdpPipes` adds the pipe pair on fds 3/4.
    static func spawn(
        executable: String,
        arguments: [String],
        environment: [String: String],
        cdpPipes: Bool
    ) throws(Failure) -> SpawnedChild {
        var opened: [CInt] = []
        func closeAll() { for fd in opened { _ = close(fd) } }

        // Our ends and the child's ends, all CLOEXEC and ≥ 10 so no dup2 source is ever 3 or 4.
        let toBrowser = try makePipe(tracking: &opened)
        let fromBrowser = try makePipe(tracking: &opened)
        let stderrPipe = try makePipe(tracking: &opened)
        if !cdpPipes {
            for fd in [toBrowser.read, toBrowser.write, fromBrowser.read, fromBrowser.write] { _ = close(fd) }
            opened.removeAll { [toBrowser.read, toBrowser.write, fromBrowser.read, fromBrowser.write].contains($0) }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)
        if cdpPipes {
            posix_spawn_file_actions_adddup2(&actions, toBrowser.read, 3)
            posix_spawn_file_actions_adddup2(&actions, fromBrowser.write, 4)
        }
        if let addCloseFrom {
            _ = addCloseFrom(&actions, cdpPipes ? 5 : 3)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // The child's ends are the child's now.
        let childEnds = cdpPipes ? [toBrowser.read, fromBrowser.write, stderrPipe.write] : [stderrPipe.write]
        for fd in childEnds { _ = close(fd) }
        opened.removeAll { childEnds.contains($0) }
        guard result == 0 else {
            closeAll()
            throw Failure(errno: result, detail: "posix_spawn: \(String(cString: strerror(result)))")
        }
        return SpawnedChild(
            pid: pid,
            cdpWrite: cdpPipes ? toBrowser.write : nil,
            cdpRead: cdpPipes ? fromBrowser.read : nil,
            stderrRead: stderrPipe.read)
    }

    /// A CLOEXEC pipe whose descriptors are both ≥ 10.
    private static func makePipe(tracking opened: inout [CInt]) throws(Failure) -> (read: CInt, write: CInt) {
        var fds: [CInt] = [-1, -1]
        let created = fds.withUnsafeMutableBufferPointer { buffer -> CInt in
            if let pipe2 { return pipe2(buffer.baseAddress!, O_CLOEXEC) }
            return pipe(buffer.baseAddress!)
        }
        guard created == 0 else {
            let code = errno
            for fd in opened { _ = close(fd) }
            throw Failure(errno: code, detail: "pipe: \(String(cString: strerror(code)))")
        }
        var moved: [CInt] = []
        for fd in fds {
            let high = fcntl(fd, F_DUPFD_CLOEXEC, 10)
            let code = errno
            _ = close(fd)
            guard high >= 0 else {
                for other in moved + opened { _ = close(other) }
                throw Failure(errno: code, detail: "fcntl(F_DUPFD_CLOEXEC): \(String(cString: strerror(code)))")
            }
            moved.append(high)
        }
        opened += moved
        return (moved[0], moved[1])
    }
}
