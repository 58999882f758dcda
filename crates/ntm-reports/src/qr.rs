//! QR codes for survey slips and posters: SVG text (crisp at any print size) and PNG
//! bytes (grayscale, drawn from the module matrix; no image library).

use qrcode::{Color, EcLevel, QrCode};

use crate::ReportError;

/// Quiet zone around the code, in modules (the standard asks for 4).
const QUIET: usize = 4;

fn code(data: &str) -> Result<QrCode, ReportError> {
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| ReportError::Write(format!("QR code: {e}")))
}

/// An SVG document (no XML declaration, so it can also be placed inline in HTML),
/// `size` pixels wide, scaled by its viewBox.
pub fn svg(data: &str, size: u32) -> Result<String, ReportError> {
    let c = code(data)?;
    let w = c.width();
    let full = w + 2 * QUIET;
    let mut path = String::new();
    for (i, color) in c.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % w + QUIET, i / w + QUIET);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" \
         viewBox=\"0 0 {full} {full}\" shape-rendering=\"crispEdges\" role=\"img\">\
         <rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

/// A grayscale PNG with `scale` pixels per module (1–32).
pub fn png(data: &str, scale: usize) -> Result<Vec<u8>, ReportError> {
    let c = code(data)?;
    let scale = scale.clamp(1, 32);
    let w = c.width();
    let px = (w + 2 * QUIET) * scale;
    let mut buf = vec![255u8; px * px];
    for (i, color) in c.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (mx, my) = (i % w + QUIET, i / w + QUIET);
            for dy in 0..scale {
                let row = (my * scale + dy) * px;
                buf[row + mx * scale..row + (mx + 1) * scale].fill(0);
            }
        }
    }
    let side = u32::try_from(px).map_err(|_| ReportError::Write("QR code too large".into()))?;
    let mut out = Vec::new();
    {
        let mut enc = ::png::Encoder::new(&mut out, side, side);
        enc.set_color(::png::ColorType::Grayscale);
        enc.set_depth(::png::BitDepth::Eight);
        let err = |e: ::png::EncodingError| ReportError::Write(format!("PNG: {e}"));
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(&buf).map_err(err)?;
        writer.finish().map_err(err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_and_png() {
        let s = svg("https://ntm.example/s/ABC123?t=0123456789", 160).unwrap();
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(!s.contains("style="));
        let p = png("https://ntm.example/s/ABC123", 4).unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
    }
}
