//! What a Matroska TrackEntry says beyond its codec, as libavformat's demuxer reports it: the
//! flags ffprobe prints as dispositions, the track name, and for video the display size,
//! interlacing, colour and Dolby Vision mapping.

use super::{elements, find, text, uint};
use crate::Unsure;
use crate::video::Container;
use crate::video::details::{Colour, dovi};

const FLAG_DEFAULT: u32 = 0x88;
const FLAG_FORCED: u32 = 0x55AA;
const FLAG_HEARING_IMPAIRED: u32 = 0x55AB;
const NAME: u32 = 0x536E;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const DISPLAY_WIDTH: u32 = 0x54B0;
const DISPLAY_HEIGHT: u32 = 0x54BA;
const DISPLAY_UNIT: u32 = 0x54B2;
const FLAG_INTERLACED: u32 = 0x9A;
const STEREO_MODE: u32 = 0x53B8;
const PIXEL_CROPS: [u32; 4] = [0x54AA, 0x54BB, 0x54CC, 0x54DD];
const PROJECTION: u32 = 0x7670;
const COLOUR: u32 = 0x55B0;
const MATRIX: u32 = 0x55B1;
const RANGE: u32 = 0x55B9;
const TRANSFER: u32 = 0x55BA;
const PRIMARIES: u32 = 0x55BB;
const BLOCK_ADDITION_MAPPING: u32 = 0x41E4;
const BLOCK_ADD_ID_TYPE: u32 = 0x41E7;
const BLOCK_ADD_ID_EXTRA_DATA: u32 = 0x41ED;

type Fields<'a> = [(u32, &'a [u8])];

fn number(fields: &Fields<'_>, id: u32, default: u64) -> Result<u64, Unsure> {
    find(fields, id).map(uint).transpose().map(|v| v.unwrap_or(default))
}

/// `default`, `forced`, `hearing_impaired` and the title (the track's Name).
pub(super) struct Flags {
    pub default: bool,
    pub forced: bool,
    pub hearing_impaired: bool,
    pub title: Option<String>,
}

pub(super) fn flags(fields: &Fields<'_>) -> Result<Flags, Unsure> {
    let title = find(fields, NAME).map(text).map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    Ok(Flags {
        default: number(fields, FLAG_DEFAULT, 1)? != 0,
        forced: number(fields, FLAG_FORCED, 0)? != 0,
        hearing_impaired: number(fields, FLAG_HEARING_IMPAIRED, 0)? != 0,
        title,
    })
}

/// What the Video element and the block addition mappings say of the stream numbered `index`.
pub(super) fn video(fields: &Fields<'_>, picture: &Fields<'_>, index: u32) -> Result<Container, Unsure> {
    if number(picture, STEREO_MODE, 0)? != 0 || find(picture, PROJECTION).is_some() {
        return Err(Unsure::new("a stereoscopic or projected video"));
    }
    if PIXEL_CROPS.iter().any(|id| !number(picture, *id, 0).is_ok_and(|v| v == 0)) {
        return Err(Unsure::new("a cropped video"));
    }
    let mut out = Container { index, ..Container::default() };
    let (width, height) = (number(picture, PIXEL_WIDTH, 0)?, number(picture, PIXEL_HEIGHT, 0)?);
    let display_width = number(picture, DISPLAY_WIDTH, width)?;
    let display_height = number(picture, DISPLAY_HEIGHT, height)?;
    if display_width > 0 && display_height > 0 && number(picture, DISPLAY_UNIT, 0)? < 3 {
        let num = height.checked_mul(display_width).ok_or_else(|| Unsure::new("a huge display size"))?;
        let den = width.checked_mul(display_height).ok_or_else(|| Unsure::new("a huge display size"))?;
        out.sar = crate::video::details::reduce(num, den, 255);
    }
    match number(picture, FLAG_INTERLACED, 0)? {
        0 => {}
        2 => out.field_order = Some("progressive"),
        _ => return Err(Unsure::new("an interlaced Matroska video")),
    }
    if let Some(colour) = find(picture, COLOUR) {
        let colour = elements(colour)?;
        let code = |id: u32, default: u64| -> Result<u32, Unsure> {
            u32::try_from(number(&colour, id, default)?).map_err(|_| Unsure::new("a huge colour code"))
        };
        // libavformat keeps only the values it has names for, and ranges 1 and 2.
        let range = code(RANGE, 0)?;
        out.colour = Some(Colour {
            range: if range <= 2 { range } else { 0 },
            primaries: code(PRIMARIES, 2)?,
            transfer: code(TRANSFER, 2)?,
            matrix: code(MATRIX, 2)?,
        });
    }
    for (id, mapping) in fields {
        if *id != BLOCK_ADDITION_MAPPING {
            continue;
        }
        let mapping = elements(mapping)?;
        let kind = number(&mapping, BLOCK_ADD_ID_TYPE, 0)?;
        if kind == u64::from(u32::from_be_bytes(*b"dvcC")) || kind == u64::from(u32::from_be_bytes(*b"dvvC"))
        {
            let record = find(&mapping, BLOCK_ADD_ID_EXTRA_DATA)
                .ok_or_else(|| Unsure::new("a Dolby Vision mapping without its record"))?;
            out.dovi = Some(dovi(record)?);
        }
    }
    Ok(out)
}
