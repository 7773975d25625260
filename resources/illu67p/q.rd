<resource schema="illu67p" resdir=".">
  <meta name="title">Illumination maps of comet 67P/Churyumov-Gerasimenko (CDPP)</meta>
  <meta name="description">
    Maps of the solar illumination (incidence angle and illuminated fraction)
    on the surface of the nucleus of comet 67P/Churyumov-Gerasimenko, computed
    from a shape model of the bilobed nucleus and the direction of the Sun in
    the comet's body frame, for epochs of the Rosetta mission (2014-08 to
    2016-09).  One granule per epoch, with the subsolar point and the
    heliocentric distance, a map file and a PNG preview.  The shape model is
    two ellipsoids with the lobe dimensions measured by OSIRIS; the Sun's
    direction follows from the comet's orbital elements and spin state (pole
    RA 69.54, Dec 64.11 deg; period 12.40 h, 12.06 h after perihelion).  Each
    map is a FITS image on a 5 degree longitude/latitude grid of facets giving
    the incidence angle of the Sun where the facet is lit, blank on the night
    side and in the shadows the nucleus casts on itself.
  </meta>
  <meta name="creationDate">2025-01-01T00:00:00Z</meta>
  <meta name="creator">
    <meta name="name">CDPP</meta>
  </meta>
  <meta name="subject">comets</meta>
  <meta name="subject">comet-nuclei</meta>
  <meta name="subject">solar-system-astronomy</meta>
  <meta name="referenceURL">https://cdpp.irap.omp.eu</meta>
  <meta name="type">Simulation</meta>
  <meta name="contentLevel">Research</meta>

  <table id="epn_core" onDisk="True" adql="True" primary="granule_uid">
    <meta name="description">
      One row per illumination map of the nucleus of 67P (EPN-TAP 2.0).
    </meta>
    <publish sets="local,ivo_managed"/>
    <mixin
      spatial_frame_type="body"
      optional_columns="access_url access_format access_estsize
        thumbnail_url datalink_url file_name publisher time_scale
        bib_reference
        subsolar_longitude_min subsolar_longitude_max
        subsolar_latitude_min subsolar_latitude_max
        sun_distance_min sun_distance_max"
      >//epntap2#table-2_0</mixin>
    <mixin>//epntap2#localfile-2_0</mixin>
    <index columns="time_min"/>
    <index columns="time_max"/>
    <column name="illuminated_fraction" type="double precision"
      ucd="phys.area;arith.ratio" unit=""
      tablehead="Lit fraction" verbLevel="15"
      description="Fraction of the surface area of the nucleus that is lit
        by the Sun: on the day side and not in a cast shadow."/>
    <column name="dayside_fraction" type="double precision"
      ucd="phys.area;arith.ratio" unit=""
      tablehead="Day-side fraction" verbLevel="15"
      description="Fraction of the surface area of the nucleus facing the
        Sun (incidence angle below 90 degrees), cast shadows ignored."/>
  </table>

  <data id="import">
    <sources item="bundled sample"/>
    <embeddedGrammar>
      <iterator>
        <code>
          from ingest import rdgrammar
          yield from rdgrammar.rows("illu67p", self.grammar.rd.resdir,
            [c.name for c in self.grammar.rd.getById("epn_core")],
            base.ui.notifyWarning)
        </code>
      </iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.epn_core"</bind>
        <bind key="accref">@prodtblAccref</bind>
        <bind key="path">@prodtblPath</bind>
        <bind key="fsize">@prodtblFsize</bind>
        <bind key="mime">@prodtblMime</bind>
        <bind key="preview">@prodtblPreview</bind>
        <bind key="preview_mime">@prodtblPreviewMime</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="epn_core">
      <rowmaker idmaps="*"/>
    </make>
  </data>

  <service id="q" allowed="form">
    <meta name="shortName">67P illumination</meta>
    <meta name="title">Illumination maps of 67P: granule search</meta>
    <dbCore queriedTable="epn_core">
      <condDesc buildFrom="time_min"/>
      <condDesc buildFrom="subsolar_latitude_min"/>
    </dbCore>
  </service>

  <service id="dl" allowed="dlmeta">
    <meta name="title">Illumination maps of 67P: DataLink</meta>
    <meta name="shortName">illu67p DataLink</meta>
    <meta name="description">
      The DataLink service of the illumination maps of comet
      67P/Churyumov-Gerasimenko: for each map, its file and its preview image.
    </meta>
    <publish render="dlmeta" sets="ivo_managed"/>
    <datalinkCore>
      <descriptorGenerator>
        <setup imports="datalink.dachs"/>
        <code>
          return dachs.make_descriptor(pubDID, rd.schema, rd.resdir)
        </code>
      </descriptorGenerator>
      <metaMaker semantics="#this">
        <setup imports="datalink.dachs"/>
        <code>
          yield from dachs.links(self, descriptor)
        </code>
      </metaMaker>
    </datalinkCore>
  </service>
</resource>
