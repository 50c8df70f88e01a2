//! The runners' result tables, printed as Markdown: a title, a header of
//! engine names, one row per measured item.

/// Prints `rows` (a name, then one cell per engine of `engines`) under
/// `title`, the first column `width` wide and headed `what`.
pub fn print(title: &str, what: &str, width: usize, engines: &[&str], rows: &[(String, Vec<String>)]) {
    if rows.is_empty() {
        return;
    }
    println!("\n{title}");
    print!("| {what:<width$} |");
    for engine in engines {
        print!(" {engine:>18} |");
    }
    println!();
    print!("|{:-<w$}|", "", w = width + 2);
    for _ in engines {
        print!("{:->20}|", ":");
    }
    println!();
    for (name, cells) in rows {
        print!("| {name:<width$} |");
        for cell in cells {
            print!(" {cell:>18} |");
        }
        println!();
    }
}

/// A measurement in milliseconds as a cell.
pub fn millis(value: f64) -> String {
    format!("{value:.2}")
}
