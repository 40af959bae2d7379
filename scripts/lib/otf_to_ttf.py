#!/usr/bin/python3
"""Converts a CFF-flavoured OpenType font (.otf) to TrueType outlines (.ttf).

Why: the course rasterises its font atlas with stb_truetype at start-up, and stb_truetype runs
a CFF glyph's charstring twice (once for its box, once for its shape) where a TrueType glyph's
box is read from its header; TrueType outlines rasterise the atlas in about half the time.
Cubic curves become quadratic ones within 1 font unit (fontTools' cu2qu), which cannot be
seen at text sizes. Follows fontTools' Snippets/otf2ttf.py.

Usage: otf_to_ttf.py IN.otf OUT.ttf
"""
import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

MAX_ERR_UNITS = 1.0


def quadratic_glyphs(glyph_set):
    out = {}
    for name in glyph_set.keys():
        tt_pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(tt_pen, MAX_ERR_UNITS, reverse_direction=True))
        out[name] = tt_pen.glyph()
    return out


def convert(font):
    if font.sfntVersion != "OTTO" or "CFF " not in font:
        raise SystemExit("otf_to_ttf: not a CFF OpenType font")
    order = font.getGlyphOrder()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = quadratic_glyphs(font.getGlyphSet())
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):  # left side bearing = the new outline's xMin
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, field, 0)
    maxp.maxComponentElements = max(len(getattr(g, "components", [])) for g in glyf.glyphs.values())
    maxp.compile(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\000\001\000\000"


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    font = TTFont(sys.argv[1])
    convert(font)
    font.save(sys.argv[2])


if __name__ == "__main__":
    main()
