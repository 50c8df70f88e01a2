//! Line charts as inline SVG: no script, no external library, readable
//! without a browser's help (each point carries a `<title>` tooltip).

use std::fmt::Write;

pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub values: Vec<f64>,
}

fn escape(s: &str) -> String {
    crate::html::escape(s)
}

/// A readable tick value (1.2k, 3.4M, 0.5).
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a == a.trunc() {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// One chart: x positions are the labels (runs, in time order), y from 0 to
/// the largest value.
pub fn line_chart(title: &str, labels: &[String], series: &[Series<'_>]) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 260.0, 56.0, 16.0, 28.0, 56.0);
    let max = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0f64, f64::max).max(1e-9);
    let n = labels.len().max(1);
    let x = |i: usize| {
        if n == 1 { left + (w - left - right) / 2.0 } else { left + (w - left - right) * i as f64 / (n - 1) as f64 }
    };
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / max);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title><text x="{left}" y="18" class="chart-title">{t}</text>"#,
        t = escape(title)
    );
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let _ = write!(
            out,
            r##"<line x1="{left}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{tx}" y="{ty:.1}" class="tick" text-anchor="end">{label}</text>"##,
            x2 = w - right,
            yy = y(v),
            tx = left - 6.0,
            ty = y(v) + 4.0,
            label = short(v)
        );
    }
    let every = n.div_ceil(6);
    for (i, label) in labels.iter().enumerate().filter(|(i, _)| i % every == 0 || *i == n - 1) {
        // The end labels align inwards so they stay inside the chart.
        let anchor = match i {
            _ if n == 1 => "middle",
            0 => "start",
            i if i == n - 1 => "end",
            _ => "middle",
        };
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" class="tick" text-anchor="{anchor}">{}</text>"#,
            x(i),
            h - bottom + 16.0,
            escape(label)
        );
    }
    for (k, s) in series.iter().enumerate() {
        let points: Vec<String> =
            s.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        let _ = write!(
            out,
            r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
            s.color,
            points.join(" ")
        );
        for (i, v) in s.values.iter().enumerate() {
            let _ = write!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"><title>{}: {} ({})</title></circle>"#,
                x(i),
                y(*v),
                s.color,
                escape(s.name),
                short(*v),
                escape(labels.get(i).map_or("", |l| l.as_str()))
            );
        }
        let lx = left + 10.0 + 170.0 * k as f64;
        let _ = write!(
            out,
            r#"<rect x="{lx}" y="{ly}" width="12" height="4" fill="{c}"/><text x="{tx}" y="{ty}" class="tick">{name}</text>"#,
            ly = h - 18.0,
            c = s.color,
            tx = lx + 16.0,
            ty = h - 13.0,
            name = escape(s.name)
        );
    }
    out.push_str("</svg>");
    out
}

/// A small trend line (no axes) for a table cell: one point per run, y from
/// 0 to the largest value, runs without a value left out of the line, and
/// the flagged points drawn larger in red. Each point's tooltip is its label
/// and value.
pub fn sparkline(title: &str, labels: &[String], values: &[Option<f64>], flagged: &[bool]) -> String {
    let (w, h, pad) = (180.0, 40.0, 4.0);
    let max = values.iter().flatten().copied().fold(0.0f64, f64::max).max(1e-9);
    let n = values.len().max(1);
    let x = |i: usize| if n == 1 { w / 2.0 } else { pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64 };
    let y = |v: f64| pad + (h - 2.0 * pad) * (1.0 - v / max);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    let points: Vec<String> =
        values.iter().enumerate().filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v)))).collect();
    let _ =
        write!(out, r##"<polyline fill="none" stroke="#1565c0" stroke-width="1.5" points="{}"/>"##, points.join(" "));
    for (i, v) in values.iter().enumerate() {
        let Some(v) = *v else { continue };
        let bad = flagged.get(i).copied().unwrap_or(false);
        let _ = write!(
            out,
            r#"<circle cx="{:.1}" cy="{:.1}" r="{}" fill="{}"><title>{}: {}{}</title></circle>"#,
            x(i),
            y(v),
            if bad { 4 } else { 2 },
            if bad { "#c62828" } else { "#1565c0" },
            escape(labels.get(i).map_or("", |l| l.as_str())),
            short(v),
            if bad { " (regression)" } else { "" }
        );
    }
    out.push_str("</svg>");
    out
}
