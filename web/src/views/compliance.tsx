export default function View() {
  return <p>compliance</p>;
}
