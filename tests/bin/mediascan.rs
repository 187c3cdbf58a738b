//! `mediascan` for the end-to-end tests: the same `main` as the shipped binary.

fn main() -> std::process::ExitCode {
    app::cli::main()
}
