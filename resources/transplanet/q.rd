<resource schema="transplanet" resdir=".">
  <meta name="title">Transplanet model runs at Earth, Mars and Jupiter (CDPP)</meta>
  <meta name="description">
    Runs of Transplanet, the IRAP model of the coupling between the
    magnetosphere and the ionosphere, at Earth, Mars and Jupiter over a grid of
    conditions (date, latitude, local time, solar activity): altitude profiles
    of the electron and ion densities, temperatures and field-aligned
    velocities.  One granule per run, with its data file and a PNG preview.
    The runs are steady states of photochemistry (Chapman production by the
    solar EUV, recombination and ion-neutral chemistry) and ambipolar
    diffusion along the field line, from the lower thermosphere to the
    topside (Earth 100-2000 km, Mars 80-600 km, Jupiter 300-4000 km above
    1 bar), for latitudes 0, 30 and 60 deg, local times 0, 6, 12 and 18 h and
    F10.7 of 70, 130 and 200; each profile is a VOTable.
  </meta>
  <meta name="creationDate">2025-01-01T00:00:00Z</meta>
  <meta name="creator">
    <meta name="name">CDPP</meta>
  </meta>
  <meta name="subject">planetary-ionospheres</meta>
  <meta name="subject">planetary-magnetospheres</meta>
  <meta name="subject">planetary-science</meta>
  <meta name="referenceURL">https://cdpp.irap.omp.eu</meta>
  <meta name="type">Simulation</meta>
  <meta name="contentLevel">Research</meta>

  <table id="epn_core" onDisk="True" adql="True" primary="granule_uid">
    <meta name="description">
      One row per Transplanet run (EPN-TAP 2.0).
    </meta>
    <publish sets="local,ivo_managed"/>
    <mixin
      spatial_frame_type="body"
      optional_columns="access_url access_format access_estsize
        thumbnail_url datalink_url file_name publisher time_scale species
        target_region local_time_min local_time_max
        subsolar_latitude_min subsolar_latitude_max
        sun_distance_min sun_distance_max"
      >//epntap2#table-2_0</mixin>
    <mixin>//epntap2#localfile-2_0</mixin>
    <index columns="target_name"/>
    <index columns="time_min"/>
    <index columns="time_max"/>
    <column name="f107" type="double precision"
      ucd="phot.flux.density;em.radio" unit="1e-22W.m**-2.Hz**-1"
      tablehead="F10.7" verbLevel="15"
      description="Solar activity of the run: the 10.7 cm solar radio flux
        index F10.7 at 1 au, in solar flux units."/>
    <column name="model_name" type="text"
      ucd="meta.id;meta.software" tablehead="Model" verbLevel="15"
      description="Name of the model that computed the run."/>
    <column name="model_version" type="text"
      ucd="meta.version;meta.software" tablehead="Version" verbLevel="15"
      description="Version of the model that computed the run."/>
  </table>

  <data id="import">
    <sources item="bundled sample"/>
    <embeddedGrammar>
      <iterator>
        <code>
          from ingest import rdgrammar
          yield from rdgrammar.rows("transplanet", self.grammar.rd.resdir,
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
    <meta name="shortName">Transplanet</meta>
    <meta name="title">Transplanet model runs: granule search</meta>
    <dbCore queriedTable="epn_core">
      <condDesc buildFrom="target_name"/>
      <condDesc buildFrom="time_min"/>
    </dbCore>
  </service>

  <service id="dl" allowed="dlmeta">
    <meta name="title">Transplanet model runs: DataLink</meta>
    <meta name="shortName">Transplanet DL</meta>
    <meta name="description">
      The DataLink service of the runs of the Transplanet ionosphere
      model: for each run, its output file and its preview plot.
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
