fn main() {
    std::process::exit(termcrm::cli::main());
}
