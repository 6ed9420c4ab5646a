"""Documents for tests/test_positions_formats.py, each with 截止目前 (T001 → 截至目前) planted in
places a person can count by hand: a title, paragraphs (one empty, which nobody counts), a 2×3
table, a header, a footer, a footnote, an endnote, a comment and a text box. The text document is
a flat OpenDocument (FODT) that LibreOffice converts to .doc and .rtf (tests/legacy_office.py)."""

from __future__ import annotations

from tests.legacy_office import FODT_OPEN

TYPO = "截止目前"

# where each planted typo is, as a person counts in Word or WPS: paragraphs outside the table that
# show text (the empty one is not counted), table cells by row and column, the other parts by name
NOTICE = FODT_OPEN + f"""
 <office:automatic-styles><style:style style:name="fr1" style:family="graphic"/></office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard">
   <style:header><text:p>某某县人民政府{TYPO}文件</text:p></style:header>
   <style:footer><text:p>第 1 页</text:p><text:p>{TYPO}印发</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>
  <text:p>关于做好春季防火工作的通知</text:p>
  <text:p/>
  <text:p>各乡镇人民政府：</text:p>
  <text:p>为进一步做好防火工作，{TYPO}全县已完成巡查<text:note text:note-class="footnote" text:id="n1"><text:note-citation>1</text:note-citation><text:note-body><text:p>注：{TYPO}为三月底的数字。</text:p></text:note-body></text:note>。</text:p>
  <table:table table:name="进度"><table:table-column table:number-columns-repeated="3"/>
   <table:table-row><table:table-cell><text:p>序号</text:p></table:table-cell><table:table-cell><text:p>事项</text:p></table:table-cell><table:table-cell><text:p>进度</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>1</text:p></table:table-cell><table:table-cell><text:p>巡查</text:p></table:table-cell><table:table-cell><text:p>{TYPO}已完成</text:p></table:table-cell></table:table-row>
  </table:table>
  <text:p>请认真贯彻落实<office:annotation><dc:creator>审核人</dc:creator><dc:date>2024-01-01T00:00:00</dc:date><text:p>{TYPO}的说法请核实</text:p></office:annotation>，{TYPO}未报告的及时报告。</text:p>
  <text:p><draw:frame draw:style-name="fr1" draw:name="框1" text:anchor-type="paragraph" svg:width="6cm" svg:height="2cm"><draw:text-box><text:p>框内{TYPO}说明</text:p></draw:text-box></draw:frame>联系人：王五</text:p>
 </office:text></office:body>
</office:document>
"""
