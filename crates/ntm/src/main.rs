//! `ntm`: the one binary of NTM Số. Wires configuration → database → app → web.
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
